package experiment

import (
	"math"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/gmm"
)

// f^e of a small mixture data set, through the entropy engine: above t_C it follows the
// finite-d theory within its error bars plus the O(1/d) corrections, below it is ≈ 0, and
// the midpoint estimate lands near eq. (10).
func TestExcessSweep(t *testing.T) {
	b := backend.MustDefault()
	ts := []float64{0.05, 0.15, 0.3, 0.5, 0.8, 1.2, 2}
	cs, err := ExcessSweep(b, ExcessOptions{Ds: []int{16}, N: 400, NPrime: 1500, Times: ts, Mu: 1, Sigma: 1, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	c := cs[0]
	m := gmm.Mixture{D: 16, Mu: 1, Sigma: 1}
	tc, _ := m.CollapseTime(400)
	if c.TC != tc || math.Abs(c.Alpha-math.Log(400)/16) > 1e-15 {
		t.Fatalf("t_C %g (want %g), α %g", c.TC, tc, c.Alpha)
	}
	for i, tt := range c.T {
		if tt > 2*tc && math.Abs(c.Fe[i]-c.Finite[i]) > 4*c.Err[i]/3+0.06 {
			t.Errorf("t=%g > t_C: f^e = %.4f ± %.4f, finite-d f = %.4f", tt, c.Fe[i], c.Err[i], c.Finite[i])
		}
		if tt < tc/2 && math.Abs(c.Fe[i]) > c.Err[i]+0.02 {
			t.Errorf("t=%g < t_C: f^e = %.4f ± %.4f, want ≈ 0", tt, c.Fe[i], c.Err[i])
		}
	}
	rows := CollapseTable(cs)
	if r := rows[0]; math.IsNaN(r.Midpoint) || math.Abs(r.Midpoint-tc) > 0.15 {
		t.Errorf("midpoint estimate %g, eq. (10) %g", r.Midpoint, tc)
	}
	// The zero within the error bar lies below the midpoint (f^e increases with t).
	if r := rows[0]; !(r.Zero < r.Midpoint) {
		t.Errorf("largest zero %g not below the midpoint %g", r.Zero, r.Midpoint)
	}
	if _, err := ExcessSweep(b, ExcessOptions{Ds: []int{16}, N: 1, NPrime: 10, Times: ts, Mu: 1, Sigma: 1, Seed: 1}); err == nil {
		t.Error("n = 1 must be an error")
	}
}
