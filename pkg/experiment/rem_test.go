package experiment

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/rem"
)

func TestREMCurves(t *testing.T) {
	model, err := rem.New(0.2, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	tc := model.CondensationTime()
	c, err := REM(model, []float64{tc / 2, tc, 2 * tc, 3})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(c.PsiPlus[1]+0.5) > 1e-9 || c.TCond != tc {
		t.Errorf("ψ+(t_cond) = %g, want −½", c.PsiPlus[1])
	}
	// Eq. (40): liquid (annealed) above t_cond; condensed below, where ψ+ < −½ < annealed.
	for i, tt := range c.T {
		if tt >= tc && math.Abs(c.PsiPlus[i]-c.Annealed[i]) > 1e-9 {
			t.Errorf("t=%g >= t_cond: ψ+ %g differs from annealed %g", tt, c.PsiPlus[i], c.Annealed[i])
		}
		if !(c.PsiMinus[i] < c.PsiPlus[i]) {
			t.Errorf("t=%g: ψ− %g not below ψ+ %g", tt, c.PsiMinus[i], c.PsiPlus[i])
		}
	}
	if !(c.PsiPlus[0] < -0.5 && c.Annealed[0] > c.PsiPlus[0]) {
		t.Errorf("t_cond/2: ψ+ = %g (annealed %g), want condensed below −½", c.PsiPlus[0], c.Annealed[0])
	}
	if len(c.Series(true)) != 3 {
		t.Error("Series(true) must have 3 curves")
	}
	if _, err := REM(model, []float64{0}); err == nil {
		t.Error("t = 0 must be an error")
	}
}

// Finite instances approach ψ+ in the liquid phase (t = 1 > t_cond = 0.555) to within their
// error, and Z_1 dominates (collapse on a¹) exactly in the condensed phase.
func TestREMMonteCarlo(t *testing.T) {
	model, _ := rem.New(0.2, 1, 1)
	tc := model.CondensationTime()
	pts, err := REMMonteCarlo(model, REMOptions{Times: []float64{tc / 2, 1}, Ds: []int{30, 50}, Reps: 8, Typical: true, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pts {
		if p.T == 1 && p.D == 50 && math.Abs(p.LogZp-p.PsiPlus) > 4*p.SEp+0.005 {
			t.Errorf("d=50 t=1: (1/d) log Z+ = %.4f ± %.4f, ψ+ = %.4f", p.LogZp, p.SEp, p.PsiPlus)
		}
		if want := map[bool]float64{true: 1, false: 0}[p.T < tc]; p.Dominant1 != want {
			t.Errorf("t=%g d=%d: Z_1 dominant in %.2f of instances, want %g", p.T, p.D, p.Dominant1, want)
		}
		if p.Levels != int(math.Round(math.Exp(0.2*float64(p.D)))) {
			t.Errorf("d=%d: %d levels", p.D, p.Levels)
		}
	}
	again, _ := REMMonteCarlo(model, REMOptions{Times: []float64{tc / 2, 1}, Ds: []int{30, 50}, Reps: 8, Typical: true, Seed: 11})
	if again[3].LogZp != pts[3].LogZp {
		t.Error("same seed must give the same estimate")
	}
	if _, err := REMMonteCarlo(model, REMOptions{Times: []float64{1}, Ds: []int{30}, Reps: 1, Typical: true, Seed: 1}); err == nil {
		t.Error("reps = 1 must be an error")
	}
}

func TestFitLogDOverD(t *testing.T) {
	ds := []int{20, 30, 40, 60, 80}
	y, se := make([]float64, len(ds)), make([]float64, len(ds))
	for i, d := range ds {
		y[i], se[i] = -0.8+1.3*math.Log(float64(d))/float64(d), 0.01
	}
	a, aSE, err := FitLogDOverD(ds, y, se)
	if err != nil || math.Abs(a+0.8) > 1e-12 || !(aSE > 0) {
		t.Fatalf("exact data: a = %g ± %g (%v), want −0.8", a, aSE, err)
	}
	// Noisy data: the extrapolation is within 4 of its standard errors.
	rng := rand.New(rand.NewPCG(1, 1))
	for i := range y {
		y[i] += se[i] * rng.NormFloat64()
	}
	if a, aSE, _ = FitLogDOverD(ds, y, se); math.Abs(a+0.8) > 4*aSE {
		t.Errorf("noisy data: a = %g ± %g, want −0.8", a, aSE)
	}
	if _, _, err := FitLogDOverD([]int{10, 10, 10}, []float64{1, 1, 1}, []float64{1, 1, 1}); err == nil {
		t.Error("equal d must be an error")
	}
}
