package roundtrip

import (
	"math"
	"strings"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/flow"
	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/numeric"
	"github.com/diffregimes/diffregimes/pkg/score"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

func setup(t *testing.T, d, n int) (gmm.Mixture, *score.Mixture, []float32) {
	t.Helper()
	mix, err := gmm.NewMixture(d, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	s, err := score.NewMixture(mix.Centre(), 1)
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := mix.Sample(n, gmm.NewRand(uint64(d)))
	if err != nil {
		t.Fatal(err)
	}
	return mix, s, a
}

func check(t *testing.T, label string, got clone.Estimate, want float64, n int) {
	t.Helper()
	bar := max(got.Err, 3*math.Sqrt(want*(1-want)/float64(n)))
	if math.Abs(got.P-want) > bar {
		t.Errorf("%s: φ_U = %.4f ± %.4f, theory %.4f", label, got.P, got.Err, want)
	}
}

// With the SDE of eq. (3) and the exact mixture score, φ_U(t) = φ(t) of eq. (6) within 3 s.e.
// (d = 32, μ̃ = σ = 1, t around t_S).
func TestSDEMatchesPhi(t *testing.T) {
	const d, n = 32, 2000
	mix, s, a := setup(t, d, n)
	in, err := sde.New(backend.MustDefault(), s, sde.Config{T: 6, L: 300, K: 25, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	tS := mix.SpeciationTime()
	res, err := Run(SDE(in), a, n, Options{Times: numeric.Scaled([]float64{0.5, 1, 1.5}, tS), Seed: 1,
		Classes: map[string]clone.ClassFunc{"phi": clone.SignClass(mix.Centre())}})
	if err != nil {
		t.Fatal(err)
	}
	for i, tt := range res.Times {
		got := res.Same["phi"][i]
		t.Logf("SDE t/t_S = %.2f: φ_U = %.4f ± %.4f (3 s.e.), φ of eq. (6) %.4f", tt/tS, got.P, got.Err, mix.Phi(tt))
		check(t, "SDE", got, mix.Phi(tt), n)
	}
}

// With the probability-flow ODE, φ_U(t) matches eq. (R1) within 3 s.e., and it crosses 0.775
// later than t_S by ≈ log(1/0.755) (logged for several d).
func TestODEMatchesClosedForm(t *testing.T) {
	const d, n = 32, 2000
	mix, s, a := setup(t, d, n)
	in, err := flow.New(backend.MustDefault(), s, flow.Config{T: 6, L: 120, Method: flow.Heun, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	tS := mix.SpeciationTime()
	res, err := Run(ODE(in), a, n, Options{Times: numeric.Scaled([]float64{0.5, 1, 1.5}, tS), Seed: 1,
		Classes: map[string]clone.ClassFunc{"phi": clone.SignClass(mix.Centre())}})
	if err != nil {
		t.Fatal(err)
	}
	for i, tt := range res.Times {
		got := res.Same["phi"][i]
		t.Logf("ODE t/t_S = %.2f: φ_U = %.4f ± %.4f (3 s.e.), eq. (R1) %.4f, SDE's φ %.4f", tt/tS, got.P, got.Err, MixtureODEPhi(mix, tt), mix.Phi(tt))
		check(t, "ODE", got, MixtureODEPhi(mix, tt), n)
	}
	for _, dd := range []int{8, 32, 128, 1024, 1 << 14} {
		m := gmm.Mixture{D: dd, Mu: 1, Sigma: 1}
		tc, err := ODECrossing(m, clone.SpeciationLevel)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("d = %d: ODE φ_U crosses 0.775 at t = %.4f, t_S = %.4f, difference %.4f", dd, tc, m.SpeciationTime(), tc-m.SpeciationTime())
	}
}

// Eq. (R1) against a direct Monte Carlo of its definition (sign(q_t) = sign(q_a)).
func TestMixtureODEPhiMonteCarlo(t *testing.T) {
	m := gmm.Mixture{D: 16, Mu: 1, Sigma: 1}
	r := gmm.NewRand(9)
	const n = 200000
	for _, tt := range []float64{0.3, 1.4, 3} {
		same := 0
		e, s := math.Exp(-tt), math.Sqrt(-math.Expm1(-2*tt))
		for range n {
			q := m.M() + r.NormFloat64()
			if r.IntN(2) == 0 {
				q = -q
			}
			if (q > 0) == (e*q+s*r.NormFloat64() > 0) {
				same++
			}
		}
		got := clone.Bernoulli(same, n)
		if want := MixtureODEPhi(m, tt); math.Abs(got.P-want) > got.Err {
			t.Errorf("t = %g: Monte Carlo %.4f ± %.4f, eq. (R1) %.4f", tt, got.P, got.Err, want)
		}
	}
}

func TestBadInput(t *testing.T) {
	_, s, a := setup(t, 4, 10)
	in, _ := flow.New(backend.MustDefault(), s, flow.Config{T: 2, L: 10})
	cls := map[string]clone.ClassFunc{"phi": clone.SignClass([]float32{1, 1, 1, 1})}
	for _, c := range []struct {
		a    []float32
		n    int
		opt  Options
		want string
	}{
		{a, 9, Options{Times: []float64{1}, Classes: cls}, "n = 9"},
		{a, 10, Options{Classes: cls}, "no times"},
		{a, 10, Options{Times: []float64{1}}, "no class"},
		{a, 10, Options{Times: []float64{3}, Classes: cls}, "outside"},
		{a, 10, Options{Times: []float64{0.01}, Classes: cls}, "rounds to t = 0"},
	} {
		if _, err := Run(ODE(in), c.a, c.n, c.opt); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v", c.want, err)
		}
	}
}
