package rem

import (
	"math"
	"testing"
)

// maximize returns max_{x in (lo, hi)} h(x) for a concave h, by golden-section search.
func maximize(h func(float64) float64, lo, hi float64) float64 {
	const r = 0.6180339887498949
	a, b := lo, hi
	c, d := b-r*(b-a), a+r*(b-a)
	hc, hd := h(c), h(d)
	for range 400 {
		if hc < hd {
			a, c, hc = c, d, hd
			d = a + r*(b-a)
			hd = h(d)
		} else {
			b, d, hd = d, c, hc
			c = b - r*(b-a)
			hc = h(c)
		}
	}
	return math.Max(hc, hd)
}

// rateClosedForm is eqs. (38)-(39) and (47)-(48) as corrected: (1 + 2ε)A, not (1 + 2εA).
func rateClosedForm(l Levels, eps float64) float64 {
	D, S, M := l.Delta, l.S, l.M
	A := math.Sqrt(S*S + 8*eps*D*(D+S+M))
	return (D*(-8*D*eps+(1-6*eps)*S+(1+2*eps)*A)+M*(S-8*eps*D+A))/(2*S*(S+A)) - 0.5*math.Log(4*D*eps/(S+A))
}

// ratePrinted is eq. (38)/(47) exactly as printed in the paper.
func ratePrinted(l Levels, eps float64) float64 {
	D, S, M := l.Delta, l.S, l.M
	A := math.Sqrt(S*S + 8*eps*D*(D+S+M))
	return (D*(-8*D*eps+(1-6*eps)*S+(1+2*eps*A))+M*(S-8*eps*D+A))/(2*S*(S+A)) - 0.5*math.Log(4*D*eps/(S+A))
}

// epsStarPrinted is eq. (37)/(46) exactly as printed (λσ_t² in the numerator).
func epsStarPrinted(l Levels, lambda float64) float64 {
	u := l.Delta + lambda*l.S
	return (l.Delta*l.Delta + 2*l.Delta*l.S + lambda*l.S + l.M*l.Delta) / (2 * u * u)
}

func testLevels() []Levels {
	var out []Levels
	for _, tt := range []float64{0.05, 0.3, 1, 2.5} {
		for _, sigma := range []float64{0.5, 1, 2} {
			l := Levels{Delta: -math.Expm1(-2 * tt), S: sigma * sigma * math.Exp(-2*tt)}
			out = append(out, l)
			l.M = 4 * 0.8 * 0.8 * math.Exp(-2*tt)
			out = append(out, l)
		}
	}
	return out
}

// The Legendre pair (g, f) of eqs. (34)-(39), (44)-(48), computed numerically both ways.
func TestLegendrePairNumerically(t *testing.T) {
	printedRateOK, printedEpsOK := true, true
	for _, l := range testLevels() {
		lamMin := -l.Delta / l.S
		for _, f := range []float64{0.1, 0.5, 0.9, 1, 1.3, 3} {
			eps := f * l.Typical()
			// f(ε) = max_λ [−g(λ) − λε]
			num := maximize(func(lam float64) float64 { return -l.G(lam) - lam*eps }, lamMin*(1-1e-12), 1e7)
			got := l.Rate(eps)
			if math.Abs(got-num) > 1e-7*math.Max(1, math.Abs(num)) {
				t.Errorf("%+v ε=%g: Rate=%.10g, numerical Legendre=%.10g", l, eps, got, num)
			}
			if cf := rateClosedForm(l, eps); math.Abs(cf-got) > 1e-8*math.Max(1, math.Abs(got)) {
				t.Errorf("%+v ε=%g: corrected eq. (38)=%.10g, Rate=%.10g", l, eps, cf, got)
			}
			if math.Abs(ratePrinted(l, eps)-num) > 1e-3 {
				printedRateOK = false
			}
			// eq. (36)/(45) as printed (correct) equals the cancellation-free form used.
			D, S, M := l.Delta, l.S, l.M
			printed := (S - 4*D*eps + math.Sqrt(S*S+8*D*D*eps+8*D*S*eps+8*D*M*eps)) / (4 * S * eps)
			if ls := l.LambdaStar(eps); math.Abs(ls-printed) > 1e-9*math.Max(1, math.Abs(printed)) {
				t.Errorf("%+v ε=%g: LambdaStar=%g, eq. (36)=%g", l, eps, ls, printed)
			}
			// λ*(ε) inverts ε*(λ) = −g'(λ).
			lam := l.LambdaStar(eps)
			if e := l.EpsStar(lam); math.Abs(e-eps) > 1e-9*eps {
				t.Errorf("%+v: ε*(λ*(%g)) = %g", l, eps, e)
			}
		}
		if r := l.Rate(l.Typical()); math.Abs(r) > 1e-12 {
			t.Errorf("%+v: f(ε_typ) = %g, want 0", l, r)
		}
		for _, lam := range []float64{-0.5 * l.Delta / l.S, 0, 0.3, 1, 2, 10} {
			// g(λ) = max_ε [−f(ε) − λε]
			num := maximize(func(e float64) float64 { return -l.Rate(e) - lam*e }, 1e-9, 20*l.Typical()+20)
			if g := l.G(lam); math.Abs(g-num) > 1e-7*math.Max(1, math.Abs(g)) {
				t.Errorf("%+v λ=%g: G=%.10g, numerical inverse Legendre=%.10g", l, lam, g, num)
			}
			// ε*(λ) = −g'(λ)
			const h = 1e-6
			der := -(l.G(lam+h) - l.G(lam-h)) / (2 * h)
			if e := l.EpsStar(lam); math.Abs(e-der) > 1e-6*math.Max(1, e) {
				t.Errorf("%+v λ=%g: EpsStar=%g, −g'=%g", l, lam, e, der)
			}
			if lam != 0 && l.S != 1 && math.Abs(epsStarPrinted(l, lam)-der) > 1e-4 {
				printedEpsOK = false
			}
		}
		// SI: ε*(1) = 1/2 for Z_+ and eq. (49) for Z_−.
		want := 0.5 * (1 + l.Delta*l.M/((l.Delta+l.S)*(l.Delta+l.S)))
		if e := l.EpsStar(1); math.Abs(e-want) > 1e-14 {
			t.Errorf("%+v: ε*(1)=%g, want %g", l, e, want)
		}
	}
	// Evidence for the two misprints documented in doc.go: the printed forms fail the check.
	if printedRateOK {
		t.Error("eq. (38) as printed passed the Legendre check: the documented typo would be wrong")
	}
	if printedEpsOK {
		t.Error("eq. (37) as printed equals −g': the documented typo would be wrong")
	}
}

// eq. (35)/(44) from a direct two-dimensional quadrature of (1/d) log E_a e^{−λ|x − a e^{−t}|²/(2Δ)}:
// per coordinate log E_ξ exp(−λ(c − σ_t ξ)²/(2Δ)), averaged over c ~ N(√M_t, Δ + σ_t²).
func TestGMatchesQuadrature(t *testing.T) {
	simpson := func(f func(float64) float64, a, b float64, n int) float64 {
		h := (b - a) / float64(n)
		s := f(a) + f(b)
		for i := 1; i < n; i++ {
			w := 2.0
			if i%2 == 1 {
				w = 4
			}
			s += w * f(a+float64(i)*h)
		}
		return s * h / 3
	}
	phi := func(z float64) float64 { return math.Exp(-0.5*z*z) / math.Sqrt(2*math.Pi) }
	for _, l := range testLevels() {
		st := math.Sqrt(l.S)
		cm, cs := math.Sqrt(l.M), math.Sqrt(l.Delta+l.S)
		for _, lam := range []float64{math.Max(-0.3*l.Delta/l.S, -2), 0.5, 1, 3} {
			inner := func(c float64) float64 {
				return math.Log(simpson(func(x float64) float64 {
					r := c - st*x
					return phi(x) * math.Exp(-lam*r*r/(2*l.Delta))
				}, -14, 14, 1200))
			}
			num := simpson(func(z float64) float64 { return phi(z) * inner(cm+cs*z) }, -12, 12, 400)
			if g := l.G(lam); math.Abs(g-num) > 1e-7 {
				t.Errorf("%+v λ=%g: G=%.9f, quadrature %.9f", l, lam, g, num)
			}
		}
	}
}

func TestLevelsDomain(t *testing.T) {
	l := Levels{Delta: 0.5, S: 0.25}
	if !math.IsInf(l.G(-3), 1) {
		t.Errorf("G below −Δ/σ_t² must be +Inf, got %g", l.G(-3))
	}
	for _, v := range []float64{l.Rate(0), l.Rate(-1), l.LambdaStar(math.NaN()), l.EpsMin(0), l.FreeEnergy(-1), l.EpsStar(-5)} {
		if !math.IsNaN(v) {
			t.Errorf("out-of-domain argument gave %g, want NaN", v)
		}
	}
}
