package rem

import (
	"math"
	"math/rand/v2"
	"testing"
)

type estimate struct{ plus, plusSE, minus float64 }

func average(t *testing.T, m Model, tt float64, d, k int, typical bool, rng *rand.Rand) estimate {
	t.Helper()
	var s, s2, sm float64
	for range k {
		var x Sample
		var err error
		if typical {
			x, err = m.SampleTypical(tt, d, rng)
		} else {
			x, err = m.Sample(tt, d, rng)
		}
		if err != nil {
			t.Fatal(err)
		}
		s += x.LogZp
		s2 += x.LogZp * x.LogZp
		sm += x.LogZm
	}
	mean := s / float64(k)
	return estimate{mean, math.Sqrt(math.Max(s2/float64(k)-mean*mean, 0) / float64(k-1)), sm / float64(k)}
}

// Finite REM instances, n = e^{αd} data per cluster: (1/d) log Z_± approaches ψ_±(t) as d
// grows, on the condensed side (t < t_cond, slow log(d)/d corrections) and the liquid side.
func TestMonteCarloApproachesPsi(t *testing.T) {
	rng := rand.New(rand.NewPCG(2024, 3))
	m := Model{Alpha: 0.2, Sigma: 1, Mu: 1}
	tc := m.CondensationTime() // 0.5548
	ds := []int{20, 40, 70}    // e^{αd} = 55, 2981, 1.2e6 levels per cluster
	ks := []int{200, 60, 10}   // instances averaged: the cost per instance grows as e^{αd}
	for _, tt := range []float64{0.5 * tc, 2 * tc} {
		pp, pm := m.PsiPlus(tt), m.PsiMinus(tt)
		var errs, errsM []float64
		for i, d := range ds {
			e := average(t, m, tt, d, ks[i], true, rng)
			errs = append(errs, math.Abs(e.plus-pp))
			errsM = append(errsM, math.Abs(e.minus-pm))
			t.Logf("t=%.4f (t_cond=%.4f) d=%d: (1/d)log Z_+ = %.4f ± %.4f (ψ_+ = %.4f), (1/d)log Z_− = %.4f (ψ_− = %.4f)",
				tt, tc, d, e.plus, e.plusSE, pp, e.minus, pm)
		}
		last := len(ds) - 1
		if tt < tc {
			// The corrections decay like log(d)/d (d·err/log d ≈ 0.8 at every d, seen in the log).
			for i, d := range ds {
				t.Logf("condensed: d=%d  d·|err|/log d = %.3f", d, errs[i]*float64(d)/math.Log(float64(d)))
			}
			if !(errs[last] < errs[1] && errs[1] < errs[0]) || errs[last] > 0.07 {
				t.Errorf("condensed side: |(1/d)log Z_+ − ψ_+| = %v does not shrink to < 0.07", errs)
			}
			if !(errsM[last] < errsM[0]) || errsM[last] > 0.25 {
				t.Errorf("condensed side: |(1/d)log Z_− − ψ_−| = %v does not shrink", errsM)
			}
		} else {
			if errs[last] > 0.005 || errsM[last] > 0.005 {
				t.Errorf("liquid side: errors %v (Z_+), %v (Z_−) at d=%d, want < 0.005", errs, errsM, ds[last])
			}
		}
	}
}

// SampleTypical (exact level law at a typical x) and Sample (literal data vectors, random x)
// estimate the same mean free energy.
func TestSamplersAgree(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	m := Model{Alpha: 0.2, Sigma: 1, Mu: 1}
	for _, tt := range []float64{0.3, 1.1} {
		lit := average(t, m, tt, 30, 120, false, rng)
		typ := average(t, m, tt, 30, 120, true, rng)
		if math.Abs(lit.plus-typ.plus) > 4*math.Hypot(lit.plusSE, typ.plusSE) {
			t.Errorf("t=%g d=30: literal %.4f ± %.4f vs typical %.4f ± %.4f", tt, lit.plus, lit.plusSE, typ.plus, typ.plusSE)
		}
	}
	// Z_1 is e^{-|z|²/2}: (1/d) log Z_1 → −1/2.
	var s float64
	for range 200 {
		x, _ := m.Sample(1, 30, rng)
		s += x.LogZ1
	}
	if math.Abs(s/200+0.5) > 0.01 {
		t.Errorf("(1/d) log Z_1 = %g, want −1/2", s/200)
	}
}

func TestSampleSameSeedSameNumbers(t *testing.T) {
	m := Model{Alpha: 0.2, Sigma: 1, Mu: 1}
	a, _ := m.Sample(0.4, 12, rand.New(rand.NewPCG(1, 2)))
	b, _ := m.Sample(0.4, 12, rand.New(rand.NewPCG(1, 2)))
	if a != b {
		t.Errorf("same seed gave %+v and %+v", a, b)
	}
	if _, err := m.Sample(0.4, 0, rand.New(rand.NewPCG(1, 2))); err == nil {
		t.Error("Sample accepted d = 0")
	}
	if _, err := m.SampleTypical(0, 5, rand.New(rand.NewPCG(1, 2))); err == nil {
		t.Error("SampleTypical accepted t = 0")
	}
	if _, err := m.Sample(1, 1000, rand.New(rand.NewPCG(1, 2))); err == nil {
		t.Error("Sample accepted e^{200} levels")
	}
	if _, err := m.Sample(1, 10, nil); err == nil {
		t.Error("Sample accepted a nil rng")
	}
}
