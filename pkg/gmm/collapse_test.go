package gmm

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestCollapseTimeIsZeroOfExcessEntropy(t *testing.T) {
	const n = 20000
	for _, d := range []int{2, 4, 8, 16, 32, 64, 128, 512, 12288, 100000} {
		for _, sigma := range []float64{0.5, 1, 2} {
			m := Mixture{D: d, Mu: 1, Sigma: sigma}
			tc, err := m.CollapseTime(n)
			if err != nil {
				t.Fatal(err)
			}
			if f := m.ExcessEntropy(tc, n); math.Abs(f) > 1e-12 {
				t.Errorf("d=%d σ=%g: f(t_C)=%g, want 0", d, sigma, f)
			}
			if m.ExcessEntropy(tc*0.99, n) >= 0 || m.ExcessEntropy(tc*1.01, n) <= 0 {
				t.Errorf("d=%d σ=%g: f must cross zero upward at t_C=%g", d, sigma, tc)
			}
			// eq. (5) directly: s^sep(t_C) = s(t_C) with the asymptotic entropy.
			if g := SeparatedEntropy(tc, n, d) - m.AsymptoticEntropy(tc); math.Abs(g) > 1e-12 {
				t.Errorf("d=%d: s^sep − s = %g at t_C", d, g)
			}
			if sigma == 1 {
				t.Logf("n=%d d=%6d: t_C=%.6f  t_S=%.4f", n, d, tc, m.SpeciationTime())
			}
		}
	}
	// Pinned values (σ = 1, n = 20000), eq. (10) evaluated with 30-digit arithmetic (mpmath).
	for _, c := range []struct {
		d    int
		want float64
	}{{8, 0.043918390512}, {32, 0.386636501875}, {128, 0.971184796942}, {512, 1.63578543213}, {12288, 3.21557507065}} {
		tc, _ := (Mixture{D: c.d, Mu: 1, Sigma: 1}).CollapseTime(n)
		if math.Abs(tc-c.want) > 1e-11 {
			t.Errorf("t_C(d=%d, n=20000) = %.12f, want %.12f", c.d, tc, c.want)
		}
	}
	// f(∞) = α.
	m := Mixture{D: 64, Mu: 1, Sigma: 1}
	if f := m.ExcessEntropy(40, n); math.Abs(f-math.Log(n)/64) > 1e-15 {
		t.Errorf("f(∞) = %g, want α", f)
	}
}

// Monte Carlo check of the exact entropy: −(1/d) E log P_t(x) over x ~ P_t.
func TestEntropyMonteCarlo(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, m := range []Mixture{{D: 1, Mu: 1.5, Sigma: 0.7}, {D: 3, Mu: 1, Sigma: 1}, {D: 2, Mu: 0.5, Sigma: 2}} {
		for _, tt := range []float64{0.05, 0.5, 1.5} {
			const n = 40000
			g := m.Gamma(tt)
			c := m.Mu * math.Exp(-tt) // per-coordinate centre, m = μ̃(1, ..., 1)
			var s, s2 float64
			x := make([]float64, m.D)
			for range n {
				sign := 1.0
				if rng.IntN(2) == 0 {
					sign = -1
				}
				var dp, dm float64
				for i := range x {
					x[i] = sign*c + math.Sqrt(g)*rng.NormFloat64()
					dp += (x[i] - c) * (x[i] - c)
					dm += (x[i] + c) * (x[i] + c)
				}
				a, b := -dp/(2*g), -dm/(2*g)
				hi := math.Max(a, b)
				logp := hi + math.Log(0.5*math.Exp(a-hi)+0.5*math.Exp(b-hi)) - float64(m.D)/2*math.Log(2*math.Pi*g)
				v := -logp / float64(m.D)
				s += v
				s2 += v * v
			}
			mean := s / n
			se := math.Sqrt((s2/n - mean*mean) / n)
			if got := m.Entropy(tt); math.Abs(got-mean) > 4*se {
				t.Errorf("%+v t=%g: Entropy=%.5f, Monte Carlo %.5f ± %.5f", m, tt, got, mean, se)
			}
		}
	}
	// Limits: separated clusters add log 2 / d, merged clusters nothing.
	m := Mixture{D: 4, Mu: 5, Sigma: 1}
	if got, want := m.Entropy(0), m.AsymptoticEntropy(0)+math.Ln2/4; math.Abs(got-want) > 1e-12 {
		t.Errorf("separated: s=%.14f, want %.14f", got, want)
	}
	if got, want := m.Entropy(30), m.AsymptoticEntropy(30); math.Abs(got-want) > 1e-12 {
		t.Errorf("merged: s=%.14f, want %.14f", got, want)
	}
	if d := m.FiniteExcessEntropy(1, 100) - m.ExcessEntropy(1, 100); d > 0 || d < -math.Ln2/4 {
		t.Errorf("finite-d correction %g outside [−log2/d, 0]", d)
	}
}

func TestCollapseBadInput(t *testing.T) {
	m := Mixture{D: 4, Mu: 1, Sigma: 1}
	if _, err := m.CollapseTime(1); err == nil {
		t.Error("CollapseTime accepted n = 1")
	}
	if _, err := (Mixture{D: 0, Mu: 1, Sigma: 1}).CollapseTime(10); err == nil {
		t.Error("CollapseTime accepted d = 0")
	}
	for _, v := range []float64{m.ExcessEntropy(-1, 10), m.ExcessEntropy(1, 1), SeparatedEntropy(1, 10, 0),
		m.Entropy(math.NaN()), SeparatedEntropy(-0.1, 10, 3)} {
		if !math.IsNaN(v) {
			t.Errorf("invalid input gave %g, want NaN", v)
		}
	}
}

// No NaN or Inf at small t, large d or large n.
func TestExtremeInputsFinite(t *testing.T) {
	for _, d := range []int{1, 12288, 100000} {
		m := Mixture{D: d, Mu: 1, Sigma: 1}
		for _, n := range []int{2, 20000, math.MaxInt32} {
			tc, err := m.CollapseTime(n)
			if err != nil || !(tc > 0) || math.IsInf(tc, 0) {
				t.Errorf("d=%d n=%d: t_C=%g err=%v", d, n, tc, err)
			}
		}
		for _, tt := range []float64{1e-12, 1e-6, 1, 10, 50} {
			for _, v := range []float64{m.Phi(tt), m.Entropy(tt), m.ExcessEntropy(tt, 20000), m.FiniteExcessEntropy(tt, 20000),
				m.Potential(1e3, tt), m.Force(1e3, tt), m.QDrift(-1e3, tt), m.ProjectedPotential(1e3, tt)} {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Errorf("d=%d t=%g: got %g", d, tt, v)
				}
			}
		}
	}
}
