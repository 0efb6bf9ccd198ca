package experiment

import (
	"math"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/numeric"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

// The eq. (6) curves of all d cross at t/t_S = 1, φ = 0.7752 (κ(t_S) = 1 for σ = μ̃ = 1):
// the crossing estimate must find it from curves on different grids.
func TestPhiCrossingOfTheory(t *testing.T) {
	var cs []PhiCurve
	for k, d := range []int{1024, 16, 128} { // unsorted on purpose
		c, err := TheoryPhiCurve(d, 1, 1, numeric.Linspace(0.3+0.013*float64(k), 2, 60))
		if err != nil {
			t.Fatal(err)
		}
		cs = append(cs, c)
	}
	cr, err := PhiCrossing(cs, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	// Linear interpolation of curved φ on a 0.03 grid: a few 1e-3.
	if math.Abs(cr.X-1) > 5e-3 || math.Abs(cr.Phi-0.7752) > 5e-3 || len(cr.PairX) != 2 {
		t.Errorf("crossing at x=%.4f φ=%.4f (pairs %v), want 1, 0.7752", cr.X, cr.Phi, cr.PairX)
	}
	// Noisy redraws: the bootstrap error is positive and the estimate stays near 1.
	for i := range cs {
		for j := range cs[i].Err {
			cs[i].Err[j] = 0.03
		}
	}
	cr, err = PhiCrossing(cs, 100, 3)
	if err != nil || !(cr.XErr > 0 && cr.XErr < 0.3) {
		t.Errorf("bootstrap: %+v, %v", cr, err)
	}
	if _, err := PhiCrossing(cs[:1], 0, 1); err == nil {
		t.Error("one curve must be an error")
	}
}

// A small cloning run through the engine (sde + clone, mixture score) agrees with eq. (6)
// within its error bars.
func TestPhiSweepAgreesWithEq6(t *testing.T) {
	b := backend.MustDefault()
	cs, err := PhiSweep(b, PhiOptions{Ds: []int{32}, Ratios: []float64{0.5, 1, 1.5}, Pairs: 600, SDE: sde.Config{T: 6, L: 300, Seed: 5}, Mu: 1, Sigma: 1})
	if err != nil {
		t.Fatal(err)
	}
	c := cs[0]
	if len(c.X) != 3 || !(c.X[0] < c.X[1] && c.X[1] < c.X[2]) {
		t.Fatalf("x grid %v", c.X)
	}
	for i := range c.X {
		// Err is 3 s.e.; allow 4/3 of it plus the O(η) discretisation bias.
		if math.Abs(c.Phi[i]-c.Theory[i]) > 4*c.Err[i]/3+0.02 {
			t.Errorf("x=%.3f: φ = %.4f ± %.4f (3 s.e.), eq. (6) %.4f", c.X[i], c.Phi[i], c.Err[i], c.Theory[i])
		}
	}
	if _, err := PhiSweep(b, PhiOptions{Ds: []int{32}, Ratios: []float64{1}, Pairs: 1, Mu: 1, Sigma: 1}); err == nil {
		t.Error("pairs = 1 must be an error")
	}
}
