package rem

import (
	"math"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/gmm"
)

func TestPsiPlusAtCollapse(t *testing.T) {
	for _, alpha := range []float64{0.05, 0.2, 0.5, 1.5} {
		for _, sigma := range []float64{0.5, 1, 2} {
			m := Model{Alpha: alpha, Sigma: sigma, Mu: 1}
			tc := m.CondensationTime()
			if p := m.PsiPlus(tc); math.Abs(p+0.5) > 1e-12 {
				t.Errorf("α=%g σ=%g: ψ_+(t_cond)=%.15f, want −1/2", alpha, sigma, p)
			}
			// eq. (41): f_t(ε*(1)) = f_t(1/2) = α at t_cond.
			l, _ := m.Plus(tc)
			if r := l.Rate(0.5); math.Abs(r-alpha) > 1e-10 {
				t.Errorf("α=%g σ=%g: f_tcond(1/2)=%g, want α", alpha, sigma, r)
			}
			for _, f := range []float64{0.2, 0.6, 0.99} {
				if p := m.PsiPlus(f * tc); !(p < -0.5) {
					t.Errorf("α=%g σ=%g t=%g < t_cond: ψ_+=%g, want < −1/2 (collapsed)", alpha, sigma, f*tc, p)
				}
				if lc, _ := m.Plus(f * tc); !lc.Condensed(alpha) {
					t.Errorf("α=%g σ=%g t=%g < t_cond: levels not condensed", alpha, sigma, f*tc)
				}
			}
			for _, f := range []float64{1.01, 1.5, 4} {
				tt := f * tc
				p := m.PsiPlus(tt)
				if !(p > -0.5) {
					t.Errorf("α=%g σ=%g t=%g > t_cond: ψ_+=%g, want > −1/2", alpha, sigma, tt, p)
				}
				if a := m.PsiPlusAnnealed(tt); p != a {
					t.Errorf("t > t_cond must be annealed: ψ_+=%g, eq. (40)=%g", p, a)
				}
			}
			// Continuity across t_cond.
			if d := m.PsiPlus(tc*(1-1e-7)) - m.PsiPlus(tc*(1+1e-7)); math.Abs(d) > 1e-6 {
				t.Errorf("α=%g σ=%g: ψ_+ jumps by %g at t_cond", alpha, sigma, d)
			}
		}
	}
}

// The annealed free energies equal eqs. (40) and (50) as printed.
func TestAnnealedClosedForms(t *testing.T) {
	m := Model{Alpha: 0.3, Sigma: 0.8, Mu: 1.2}
	for _, tt := range []float64{0.05, 0.4, 1, 3} {
		D, S, M := -math.Expm1(-2*tt), 0.64*math.Exp(-2*tt), 4*1.44*math.Exp(-2*tt)
		eq40 := 0.3 + 0.5*math.Log(D/(D+S)) - 0.5
		eq50 := eq40 - 0.5*M/(D+S)
		if math.Abs(m.PsiPlusAnnealed(tt)-eq40) > 1e-14 || math.Abs(m.PsiMinusAnnealed(tt)-eq50) > 1e-14 {
			t.Errorf("t=%g: annealed %g, %g; eqs. (40), (50) give %g, %g", tt, m.PsiPlusAnnealed(tt), m.PsiMinusAnnealed(tt), eq40, eq50)
		}
	}
}

// t_cond of eq. (43) is t_C of eq. (10), and ψ_+ + ½ is the excess entropy f(t) for t >= t_C.
func TestAgreesWithGMM(t *testing.T) {
	const n = 20000
	for _, d := range []int{16, 64, 512, 12288} {
		mix := gmm.Mixture{D: d, Mu: 1, Sigma: 1.3}
		m, err := FromCounts(n, d, 1.3, 1)
		if err != nil {
			t.Fatal(err)
		}
		tc, _ := mix.CollapseTime(n)
		if math.Abs(tc-m.CondensationTime()) > 1e-13 {
			t.Errorf("d=%d: t_C=%g, t_cond=%g", d, tc, m.CondensationTime())
		}
		for _, f := range []float64{1, 1.3, 3} {
			tt := f * tc
			if g := m.PsiPlus(tt) + 0.5 - mix.ExcessEntropy(tt, n); math.Abs(g) > 1e-13 {
				t.Errorf("d=%d t=%g: ψ_+ + ½ − f = %g", d, tt, g)
			}
		}
	}
}

func TestPsiMinusBelowPsiPlus(t *testing.T) {
	for _, alpha := range []float64{0.05, 0.2, 1} {
		for _, sigma := range []float64{0.5, 1, 2} {
			for _, mu := range []float64{0.1, 1, 3} {
				m := Model{Alpha: alpha, Sigma: sigma, Mu: mu}
				for _, tt := range []float64{0.01, 0.1, 0.3, 0.7, 1, 2, 5, 9} {
					pp, pm := m.PsiPlus(tt), m.PsiMinus(tt)
					if !(pm < pp) {
						t.Errorf("%+v t=%g: ψ_−=%g not < ψ_+=%g", m, tt, pm, pp)
					}
					if !(pm <= m.PsiMinusAnnealed(tt)+1e-15) || !(pp <= m.PsiPlusAnnealed(tt)+1e-15) {
						t.Errorf("%+v t=%g: quenched ψ above annealed", m, tt)
					}
				}
				tm := m.CondensationTimeMinus()
				l, _ := m.Minus(tm)
				if r := l.Rate(l.EpsStar(1)); math.Abs(r-alpha) > 1e-9 {
					t.Errorf("%+v: f^−(ε*(1)) = %g at t_cond^−, want α", m, r)
				}
				if !(tm > m.CondensationTime()) {
					t.Errorf("%+v: t_cond^− = %g not after t_cond = %g", m, tm, m.CondensationTime())
				}
				// Eq. (52): condensed branch equals −ε*(1) only at the transition.
				if p, want := m.PsiMinus(tm), -l.EpsStar(1); math.Abs(p-want) > 1e-8 {
					t.Errorf("%+v: ψ_−(t_cond^−)=%g, want −ε*(1)=%g", m, p, want)
				}
			}
		}
	}
}

// Values computed independently with 30-digit arithmetic (mpmath) from the corrected closed
// forms (40), (50) and the bisection root of the corrected rate function (38), (47).
func TestPinnedPsi(t *testing.T) {
	m := Model{Alpha: 0.2, Sigma: 1, Mu: 1}
	for _, c := range []struct{ t, plus, minus float64 }{
		{0.1, -2.06321308972, -8.09035099986},
		{0.3, -0.766019439709, -2.45076585217},
		{1, -0.372706728934, -0.643377295408},
		{2, -0.309242723413, -0.34587400119},
	} {
		if p := m.PsiPlus(c.t); math.Abs(p-c.plus) > 1e-9 {
			t.Errorf("ψ_+(%g) = %.12f, want %.12f", c.t, p, c.plus)
		}
		if p := m.PsiMinus(c.t); math.Abs(p-c.minus) > 1e-9 {
			t.Errorf("ψ_−(%g) = %.12f, want %.12f", c.t, p, c.minus)
		}
	}
}

func TestModelBadInput(t *testing.T) {
	for _, c := range []struct{ a, s, m float64 }{{0, 1, 1}, {0.2, -1, 1}, {0.2, 1, 0}, {math.NaN(), 1, 1}, {math.Inf(1), 1, 1}} {
		if _, err := New(c.a, c.s, c.m); err == nil {
			t.Errorf("New(%g, %g, %g) accepted", c.a, c.s, c.m)
		}
	}
	if _, err := FromCounts(1, 10, 1, 1); err == nil {
		t.Error("FromCounts accepted n = 1")
	}
	if _, err := FromCounts(100, 0, 1, 1); err == nil {
		t.Error("FromCounts accepted d = 0")
	}
	m := Model{Alpha: 0.2, Sigma: 1, Mu: 1}
	if _, err := m.Plus(0); err == nil {
		t.Error("Plus accepted t = 0")
	}
	if _, err := m.Minus(-1); err == nil {
		t.Error("Minus accepted t < 0")
	}
	for _, v := range []float64{m.PsiPlus(-1), m.PsiMinus(0), m.G(math.NaN(), 1), m.Rate(1, 0), (Model{}).CondensationTime()} {
		if !math.IsNaN(v) {
			t.Errorf("invalid input gave %g, want NaN", v)
		}
	}
}

// No NaN or Inf from t = 1e-8 to t = 40, α from 1e-4 to 10.
func TestExtremeInputsFinite(t *testing.T) {
	for _, alpha := range []float64{1e-4, 0.01, 0.2, 3, 10} {
		m := Model{Alpha: alpha, Sigma: 1.5, Mu: 2}
		for _, tt := range []float64{1e-8, 1e-5, 1e-3, 0.1, 1, 5, 12, 40} {
			pp, pm := m.PsiPlus(tt), m.PsiMinus(tt)
			if math.IsNaN(pp) || math.IsInf(pp, 0) || math.IsNaN(pm) || math.IsInf(pm, 0) || pm > pp {
				t.Errorf("α=%g t=%g: ψ_+=%g ψ_−=%g", alpha, tt, pp, pm)
			}
		}
		for _, v := range []float64{m.CondensationTime(), m.CondensationTimeMinus()} {
			if !(v > 0) || math.IsInf(v, 0) {
				t.Errorf("α=%g: condensation time %g", alpha, v)
			}
		}
	}
}
