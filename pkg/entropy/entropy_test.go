package entropy

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/score"
)

func mixtureData(seed uint64, n, d int) []float32 {
	r := rand.New(rand.NewPCG(seed, seed))
	a := make([]float32, 0, n*d)
	for range n {
		s := float64(1 - 2*r.IntN(2))
		for range d {
			a = append(a, float32(s+r.NormFloat64()))
		}
	}
	return a
}

// refLogP is log P^e_t(x) of eq. (57) in float64 with a two-pass log-sum-exp.
func refLogP(a []float32, n, d int, x []float64, t float64) float64 {
	e, delta := math.Exp(-t), -math.Expm1(-2*t)
	l := make([]float64, n)
	m := math.Inf(-1)
	for mu := range n {
		var s float64
		for j := range d {
			r := x[j] - e*float64(a[mu*d+j])
			s += r * r
		}
		l[mu] = -s / (2 * delta)
		m = max(m, l[mu])
	}
	var z float64
	for _, v := range l {
		z += math.Exp(v - m)
	}
	return m + math.Log(z) - math.Log(float64(n)) - float64(d)/2*math.Log(2*math.Pi*delta)
}

// The graph estimate of s^e(t) must equal a float64 Monte Carlo of eq. (56) within errors.
func TestEntropyMatchesFloat64MonteCarlo(t *testing.T) {
	const n, d = 300, 10
	a := mixtureData(1, n, d)
	ds, _ := score.NewDataset(a, n, d, 128)
	est, _ := New(backend.MustDefault(), ds, 500, 7)
	r := rand.New(rand.NewPCG(3, 3))
	for _, tt := range []float64{0.05, 0.5, 2} {
		got, err := est.Entropy(tt, 3000)
		if err != nil {
			t.Fatal(err)
		}
		var sum float64
		const m = 3000
		x := make([]float64, d)
		for range m {
			mu := r.IntN(n)
			for j := range d {
				x[j] = math.Exp(-tt)*float64(a[mu*d+j]) + math.Sqrt(-math.Expm1(-2*tt))*r.NormFloat64()
			}
			sum -= refLogP(a, n, d, x, tt) / d
		}
		want := sum / m
		if math.Abs(got.Value-want) > 1.5*got.Err+1e-3 {
			t.Errorf("t = %g: s^e = %.4f ± %.4f, float64 Monte Carlo %.4f", tt, got.Value, got.Err, want)
		}
	}
}

// Fig. 3 setting, scaled down (d = 16, n = 2000, t_C = 0.244 from eq. 10): for t > t_C the
// empirical f^e(t) follows the exact mixture curve; for t ≪ t_C it vanishes, f^e ≈ 0,
// while f(t) < 0; and its last zero is of the order of t_C.
func TestExcessEntropyFollowsTheory(t *testing.T) {
	const n, d, nPrime = 2000, 16, 4000
	ds, _ := score.NewDataset(mixtureData(2, n, d), n, d, 1024)
	est, _ := New(backend.MustDefault(), ds, 2000, 5)
	mix := gmm.Mixture{D: d, Mu: 1, Sigma: 1}
	alpha := math.Log(n) / d
	tC, _ := mix.CollapseTime(n)
	ts := []float64{0.02, 0.1, 0.2, 0.3, 0.5, 1, 2}
	var fe []Estimate
	for _, tt := range ts {
		got, err := est.Excess(tt, nPrime)
		if err != nil {
			t.Fatal(err)
		}
		fe = append(fe, got)
		want := mix.FiniteExcessEntropy(tt, n)
		t.Logf("t = %.2f: f^e/α = %.3f ± %.3f, theory f/α = %.3f", tt, got.Value/alpha, got.Err/alpha, want/alpha)
		switch {
		case tt > 1.5*tC:
			if math.Abs(got.Value-want) > got.Err+0.03*alpha {
				t.Errorf("t = %g > t_C: f^e/α = %.3f ± %.3f, theory %.3f", tt, got.Value/alpha, got.Err/alpha, want/alpha)
			}
		case tt < tC/5:
			if math.Abs(got.Value) > 0.05*alpha || want > -0.5*alpha {
				t.Errorf("t = %g ≪ t_C: f^e/α = %.3f (want ≈ 0), f/α = %.3f (want < 0)", tt, got.Value/alpha, want/alpha)
			}
		}
	}
	// At d = 16 the crossover is smooth: f^e(t_C) ≈ log(2)/d = 0.09 α (Z_1 ≈ Z_{2..n} there),
	// so its last zero within error bars lies below t_C, within a factor of a few.
	if got, ok := CollapseTime(ts, fe); !ok || got < tC/4 || got > 1.5*tC {
		t.Errorf("zero of f^e at %.3f (ok=%v), eq. (10) t_C = %.3f", got, ok, tC)
	}
}

func TestBadInput(t *testing.T) {
	ds, _ := score.NewDataset(mixtureData(1, 4, 2), 4, 2, 0)
	est, _ := New(backend.MustDefault(), ds, 0, 1)
	if _, err := est.Entropy(0, 10); err == nil || !strings.Contains(err.Error(), "t must be") {
		t.Errorf("t = 0: %v", err)
	}
	if _, err := est.Entropy(1, 1); err == nil || !strings.Contains(err.Error(), "n'") {
		t.Errorf("n' = 1: %v", err)
	}
	if _, err := New(backend.MustDefault(), nil, 0, 1); err == nil {
		t.Error("nil dataset accepted")
	}
}

func ExampleCollapseTime() {
	fe := []Estimate{{0.001, 0.002}, {0.012, 0.002}, {0.05, 0.002}}
	tC, ok := CollapseTime([]float64{0.1, 0.3, 0.5}, fe)
	fmt.Printf("%.3f %v\n", tC, ok)
	// Output: 0.118 true
}
