package experiment

import (
	"math"
	"strings"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/nbplot"
	"github.com/diffregimes/diffregimes/pkg/numeric"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/stat/distuv"
)

// logDensityQ is log p_t(q) for the overlap q = m·x/sqrt(d) under P_t with σ = 1 (Γ_t = 1,
// SI eq. 17): ½ N(q; +a, μ̃²) + ½ N(q; −a, μ̃²), a = μ̃² sqrt(d) e^{-t}, from gonum's normal
// density and log-sum-exp, independent of package gmm.
func logDensityQ(m gmm.Mixture, q, t float64) float64 {
	a := m.Mu * m.Mu * math.Sqrt(float64(m.D)) * math.Exp(-t)
	plus := distuv.Normal{Mu: a, Sigma: m.Mu}.LogProb(q)
	minus := distuv.Normal{Mu: -a, Sigma: m.Mu}.LogProb(q)
	return floats.LogSumExp([]float64{plus, minus}) - math.Ln2
}

// V(q, t) of eq. (8) is the potential of the backward drift of q: −∂V/∂q = q + 2μ̃² ∂_q log p_t(q)
// (eq. 3 projected on m, SI eqs. 19-20), so V(q, t) − V(0, t) = −q²/2 − 2μ̃² [log p_t(q) −
// log p_t(0)]: checked against the projected density itself, not a re-typed eq. (8).
func TestPotentialMatchesEq8(t *testing.T) {
	for _, m := range []gmm.Mixture{{D: 100, Mu: 1, Sigma: 1}, {D: 12288, Mu: 0.7, Sigma: 1}} {
		ts := []float64{0.1, m.SpeciationTime(), 2 * m.SpeciationTime()}
		p, err := Potential(m, ts, 30, 61)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.V) != 3 || len(p.V[0]) != 61 || p.Q[0] != -30 || p.Q[60] != 30 || p.Q[30] != 0 {
			t.Fatalf("grid: %d rows, %d cols, q from %g to %g", len(p.V), len(p.V[0]), p.Q[0], p.Q[60])
		}
		for i, tt := range ts {
			for j, q := range p.Q {
				want := -0.5*q*q - 2*m.Mu*m.Mu*(logDensityQ(m, q, tt)-logDensityQ(m, 0, tt))
				got := p.V[i][j] - p.V[i][30] // Q[30] = 0
				if math.Abs(got-want) > 1e-9*(1+math.Abs(want)) {
					t.Fatalf("d=%d V(%g, %g) − V(0) = %g, from the projected density %g", m.D, q, tt, got, want)
				}
			}
		}
		if s := p.Series(); len(s) != 3 || !strings.Contains(s[1].Name, "t/t_S=1.00") {
			t.Fatalf("series names: %q", s[1].Name)
		}
	}
}

// Frames gives one slider frame per time, labelled by t/t_S and the shape of the well around t*,
// and a timeline chart of them with V at t_S as a static reference builds without error.
func TestPotentialFrames(t *testing.T) {
	m := gmm.Mixture{D: 128, Mu: 1, Sigma: 1}
	tS := m.SpeciationTime()
	p, err := Potential(m, numeric.Scaled(numeric.Linspace(0.5, 2, 40), tS), 8, 161)
	if err != nil {
		t.Fatal(err)
	}
	f := p.Frames()
	if len(f) != 40 || f[0].Tick != "0.50" || f[39].Tick != "2.00" {
		t.Fatalf("%d frames, ticks %q ... %q", len(f), f[0].Tick, f[len(f)-1].Tick)
	}
	if !strings.HasPrefix(f[0].Label, "t = 1.21 (t/t_S = 0.50): double well") || !strings.Contains(f[39].Label, "single well") {
		t.Errorf("labels %q, %q", f[0].Label, f[39].Label)
	}
	for i, fr := range f { // t*/t_S = log 256 / log 128 = 8/7
		if double := strings.Contains(fr.Label, "double"); double != (p.T[i] < m.CurvatureTime()) || len(fr.Series) != 1 || len(fr.Series[0].Y) != 161 {
			t.Fatalf("frame %d (t/t_S = %s): %q, %d series", i, fr.Tick, fr.Label, len(fr.Series))
		}
	}
	ref, err := Potential(m, []float64{tS}, 8, 161)
	if err != nil {
		t.Fatal(err)
	}
	c := nbplot.Timeline("V", "q", "V", f).Static(nbplot.Series{Name: "V(q, t_S)", X: ref.Q, Y: ref.V[0], Dashed: true})
	if _, err := c.Snippet(); err != nil {
		t.Fatal(err)
	}
}

// The simulated q-Langevin trajectories commit to their final sign as Commitment predicts,
// and the same seed gives the same paths.
func TestSimulateQCommitment(t *testing.T) {
	m := gmm.Mixture{D: 100, Mu: 1, Sigma: 1}
	ts := []float64{6, 4, 3, 2.4, 1.8, 1, 0}
	p, err := SimulateQ(m, 20000, ts, 0.01, 7)
	if err != nil {
		t.Fatal(err)
	}
	frac, se := p.Commitment()
	for k, tt := range ts {
		if want := m.Commitment(tt); math.Abs(frac[k]-want) > 4*se[k]+2e-3 {
			t.Errorf("t=%g: committed fraction %.4f ± %.4f, predicted %.4f", tt, frac[k], se[k], want)
		}
	}
	again, _ := SimulateQ(m, 20000, ts, 0.01, 7)
	other, _ := SimulateQ(m, 20000, ts, 0.01, 8)
	if again.Q[3][17] != p.Q[3][17] || other.Q[3][17] == p.Q[3][17] {
		t.Error("seeding: same seed must repeat, another seed must differ")
	}
	if s := p.Paths(5); len(s) != 5 || len(s[0].Y) != len(ts) {
		t.Errorf("Paths: %d series", len(s))
	}
}

func TestPotentialErrors(t *testing.T) {
	m := gmm.Mixture{D: 100, Mu: 1, Sigma: 1}
	for name, err := range map[string]error{
		"qMax":       func() error { _, err := Potential(m, []float64{1}, 0, 10); return err }(),
		"nq":         func() error { _, err := Potential(m, []float64{1}, 1, 2); return err }(),
		"time":       func() error { _, err := Potential(m, []float64{-1}, 1, 10); return err }(),
		"Sigma":      func() error { _, err := Potential(gmm.Mixture{D: 1, Mu: 1}, []float64{1}, 1, 10); return err }(),
		"decrease":   func() error { _, err := SimulateQ(m, 10, []float64{1, 2}, 0.1, 1); return err }(),
		"n must":     func() error { _, err := SimulateQ(m, 0, []float64{2, 1}, 0.1, 1); return err }(),
		"at least 2": func() error { _, err := SimulateQ(m, 10, []float64{2}, 0.1, 1); return err }(),
	} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: got error %v", name, err)
		}
	}
}
