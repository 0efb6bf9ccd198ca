package gmm

import (
	"math"
	"testing"
)

// phiDirect integrates eq. (6) as printed, with composite Simpson on a uniform grid in y: an
// implementation independent of the sech² reduction used by Phi.
func phiDirect(m Mixture, t float64) float64 {
	u := m.M() * math.Exp(-t)
	v := m.Gamma(t)
	sd := math.Sqrt(v)
	lim := u + 15*sd
	h := sd / 40
	n := 2 * int(math.Ceil(lim/h))
	h = 2 * lim / float64(n)
	logG := func(y, mean float64) float64 {
		return -0.5*(y-mean)*(y-mean)/v - 0.5*math.Log(2*math.Pi*v)
	}
	f := func(y float64) float64 {
		a, b := logG(y, u), logG(y, -u)
		// (G_+² + G_-²)/(G_+ + G_-) evaluated in log space.
		hi := math.Max(a, b)
		num := 2*hi + math.Log(math.Exp(2*(a-hi))+math.Exp(2*(b-hi)))
		den := hi + math.Log(math.Exp(a-hi)+math.Exp(b-hi))
		return math.Exp(num - den)
	}
	sum := f(-lim) + f(lim)
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		sum += w * f(-lim+float64(i)*h)
	}
	return 0.5 * sum * h / 3
}

func TestPhiMatchesDirectQuadrature(t *testing.T) {
	for _, d := range []int{1, 2, 10, 128, 1000, 100000} {
		for _, sigma := range []float64{0.5, 1, 2} {
			m := Mixture{D: d, Mu: 1, Sigma: sigma}
			for _, tt := range []float64{0, 0.01, 0.3, 1, 2, 3.5, 5, 6, 7.5, 10} {
				got, want := m.Phi(tt), phiDirect(m, tt)
				if math.IsNaN(got) || math.Abs(got-want) > 1e-9 {
					t.Errorf("d=%d σ=%g t=%g: Phi=%.12f, direct eq. (6)=%.12f", d, sigma, tt, got, want)
				}
			}
		}
	}
}

func TestPhiLimitsAndMonotone(t *testing.T) {
	for _, d := range []int{1, 10, 1000, 100000} {
		m := Mixture{D: d, Mu: 1, Sigma: 1}
		prev := 1.0
		for tt := 0.0; tt <= 10; tt += 0.05 {
			p := m.Phi(tt)
			if p > prev+1e-13 || p < 0.5-1e-13 || p > 1 {
				t.Fatalf("d=%d: φ(%g) = %g not in [½, φ(previous)=%g]", d, tt, p, prev)
			}
			prev = p
		}
		if math.Abs(m.Phi(math.Inf(1))-0.5) > 1e-15 {
			t.Errorf("d=%d: φ(∞) = %g, want ½", d, m.Phi(math.Inf(1)))
		}
	}
	// φ(0) = 1 − ½ E sech²(κ² + κz) with κ = sqrt(d)/σ: 1 to 1e-7 once κ >= 6.
	if p := (Mixture{D: 36, Mu: 1, Sigma: 1}).Phi(0); math.Abs(p-1) > 1e-7 {
		t.Errorf("φ(0) = %.10f for d = 36, want 1", p)
	}
	// Small κ: sech²(w) = 1 − w² + ⅔w⁴ − ..., E w² = κ² + κ⁴, E w⁴ = 3κ⁴ + O(κ⁶), so
	// φ = ½ + ½κ² − ½κ⁴ + O(κ⁶); κ = 316 e^{-10} = 0.0144 here.
	m := Mixture{D: 100000, Mu: 1, Sigma: 1}
	k := m.SNR(10)
	if p, want := m.Phi(10), 0.5+0.5*k*k-0.5*k*k*k*k; math.Abs(p-want) > 1e-10 {
		t.Errorf("φ(10) = %.10f for d = 1e5, want %.10f", p, want)
	}
}

// With μ̃ = σ = 1, Γ_t = 1 and κ(t_S) = sqrt(d) e^{-t_S} = 1: φ(t_S) is the same for every d.
// Its value is the crossing point 0.775 of the curves of Fig. 2.
func TestPhiAtSpeciationTime(t *testing.T) {
	const want = 0.775200245 // 1 − ½ E sech²(1 + z), also found by the direct Simpson integration
	for _, d := range []int{2, 8, 32, 128, 1024, 12288, 100000} {
		m := Mixture{D: d, Mu: 1, Sigma: 1}
		p := m.Phi(m.SpeciationTime())
		t.Logf("d=%6d  t_S=%.4f  φ(t_S)=%.9f  t*=%.4f", d, m.SpeciationTime(), p, m.CurvatureTime())
		if math.Abs(p-want) > 1e-9 {
			t.Errorf("d=%d: φ(t_S) = %.9f, want %.9f", d, p, want)
		}
	}
}

func TestPhiBadInput(t *testing.T) {
	good := Mixture{D: 4, Mu: 1, Sigma: 1}
	for _, v := range []float64{good.Phi(-1), good.Phi(math.NaN()), Mixture{D: 0, Mu: 1, Sigma: 1}.Phi(1),
		Mixture{D: 2, Mu: 1, Sigma: 0}.Phi(1), Mixture{D: 2, Mu: math.NaN(), Sigma: 1}.Phi(1)} {
		if !math.IsNaN(v) {
			t.Errorf("invalid input gave %g, want NaN", v)
		}
	}
	if _, err := good.PhiCurve([]float64{1, -2}); err == nil {
		t.Error("PhiCurve accepted a negative time")
	}
	if _, err := NewMixture(3, 1, -1); err == nil {
		t.Error("NewMixture accepted σ = -1")
	}
}

func TestPhiInverse(t *testing.T) {
	for _, m := range []Mixture{{D: 2, Mu: 1, Sigma: 1}, {D: 128, Mu: 1, Sigma: 1}, {D: 12288, Mu: 0.7, Sigma: 1.5}, {D: 50, Mu: 1, Sigma: 0.3}} {
		for _, p := range []float64{0.51, 0.6, 0.775, 0.9, 0.99} {
			if p >= m.Phi(0) {
				continue
			}
			tt, err := m.PhiInverse(p)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Phi(tt); math.Abs(got-p) > 1e-10 {
				t.Errorf("%+v: φ(PhiInverse(%g)) = %.12f", m, p, got)
			}
		}
	}
	// With μ̃ = σ = 1 the 0.775 criterion sits just below t_S = ½ log d (φ(t_S) = 0.7752).
	m := Mixture{D: 1000, Mu: 1, Sigma: 1}
	tt, _ := m.PhiInverse(0.775)
	if d := tt - m.SpeciationTime(); d <= 0 || d > 1e-3 {
		t.Errorf("t(φ=0.775) − t_S = %g, want a small positive offset", d)
	}
	if _, err := m.PhiInverse(0.5); err == nil {
		t.Error("PhiInverse accepted p = 1/2")
	}
	if _, err := m.PhiInverse(1); err == nil {
		t.Error("PhiInverse accepted p = 1")
	}
}
