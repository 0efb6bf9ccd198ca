package experiment

import (
	"math"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/numeric"
	"github.com/diffregimes/diffregimes/pkg/ou"
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
	// t_C independently: the zero of the d → ∞ excess entropy α + ½ log(Δ_t/Γ_t) (eq. 5 for the
	// mixture, whose closed form is eq. 10), by bisection on the OU variances of package ou.
	alpha := math.Log(400) / 16
	fInf := func(t float64) float64 { return alpha + 0.5*math.Log(ou.Delta(t)/ou.Gamma(t, 1)) }
	root, err := numeric.Bisect(fInf, 1e-6, 5, 1e-13)
	if err != nil || math.Abs(c.TC-root) > 1e-9 || math.Abs(c.Alpha-alpha) > 1e-15 {
		t.Fatalf("t_C %g (zero of f: %g, %v), α %g (want %g)", c.TC, root, err, c.Alpha, alpha)
	}
	for i, tt := range c.T {
		if math.Abs(c.Theory[i]-fInf(tt)) > 1e-12 {
			t.Fatalf("t=%g: theory f = %g, α + ½ log(Δ/Γ) = %g", tt, c.Theory[i], fInf(tt))
		}
	}
	for i, tt := range c.T {
		// Err is 3 standard errors: 4 s.e. is 4 Err/3 (no absolute allowance: the finite-n
		// difference between P^e_t and P_t is below the noise of n' = 1500 samples above 2 t_C).
		if tt > 2*tc && math.Abs(c.Fe[i]-c.Finite[i]) > 4*c.Err[i]/3 {
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
