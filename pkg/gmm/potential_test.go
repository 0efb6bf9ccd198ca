package gmm

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestForceIsMinusGradient(t *testing.T) {
	for _, m := range []Mixture{{D: 16, Mu: 1, Sigma: 1}, {D: 1000, Mu: 0.7, Sigma: 0.5}, {D: 3, Mu: 2, Sigma: 2}} {
		for _, tt := range []float64{0.2, 1, m.CurvatureTime(), 6} {
			for _, q := range []float64{-3, -0.4, 0, 0.05, 1.3, 20} {
				const h = 1e-5
				num := -(m.Potential(q+h, tt) - m.Potential(q-h, tt)) / (2 * h)
				if f := m.Force(q, tt); math.Abs(f-num) > 1e-5*math.Max(1, math.Abs(f)) {
					t.Errorf("%+v t=%g q=%g: Force=%g, −dV/dq=%g", m, tt, q, f, num)
				}
				numP := -(m.ProjectedPotential(q+h, tt) - m.ProjectedPotential(q-h, tt)) / (2 * h)
				if f := m.QDrift(q, tt); math.Abs(f-numP) > 1e-5*math.Max(1, math.Abs(f)) {
					t.Errorf("%+v t=%g q=%g: QDrift=%g, −dV_Γ/dq=%g", m, tt, q, f, numP)
				}
				if m.Sigma == 1 && math.Abs(m.QDrift(q, tt)-m.Force(q, tt)) > 1e-12*math.Max(1, math.Abs(q)) {
					t.Errorf("σ=1 must make eq. (8) exact: QDrift=%g Force=%g", m.QDrift(q, tt), m.Force(q, tt))
				}
			}
		}
	}
}

// The curvature of V at q = 0 is 1 − 2 d μ̃² e^{-2t}: zero at t* (eq. 23), a double well before.
func TestCurvatureTime(t *testing.T) {
	m := Mixture{D: 200, Mu: 0.8, Sigma: 1}
	ts := m.CurvatureTime()
	curv := func(tt float64) float64 {
		const h = 1e-4
		return (m.Potential(h, tt) - 2*m.Potential(0, tt) + m.Potential(-h, tt)) / (h * h)
	}
	if c := curv(ts); math.Abs(c) > 1e-5 {
		t.Errorf("V''(0, t*) = %g, want 0", c)
	}
	if curv(ts-0.1) >= 0 || curv(ts+0.1) <= 0 {
		t.Errorf("V''(0,t) must change sign from − to + across t*: %g, %g", curv(ts-0.1), curv(ts+0.1))
	}
	// SI B.1: t* − t_S = ½ log 2 exactly; spectral t_S − t_S = ½ log(1 + σ²/(dμ̃²)).
	if d := ts - m.SpeciationTime(); math.Abs(d-0.5*math.Ln2) > 1e-14 {
		t.Errorf("t* − t_S = %g, want ½ log 2", d)
	}
	if d := m.SpectralSpeciationTime() - m.SpeciationTime(); math.Abs(d-0.5*math.Log1p(1/(200*0.64))) > 1e-14 {
		t.Errorf("spectral t_S offset %g", d)
	}
}

// Started from the exact marginal at T, the simulated q(t) must keep the marginal of P_t:
// E q² = μ̃² Γ_t + μ̃⁴ d e^{-2t} and E q⁴ of the two-Gaussian mixture.
func TestEvolveQKeepsMarginal(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, m := range []Mixture{{D: 16, Mu: 1, Sigma: 1}, {D: 16, Mu: 0.8, Sigma: 0.5}} {
		const n = 10000
		q := make([]float64, n)
		T := m.SpeciationTime() + 4
		if err := m.SampleQ(q, T, rng); err != nil {
			t.Fatal(err)
		}
		prev := T
		for _, tt := range []float64{m.SpeciationTime(), 0.5, 0.1} {
			if err := m.EvolveQ(q, prev, tt, 0.004, rng); err != nil {
				t.Fatal(err)
			}
			prev = tt
			mu2 := m.Mu * m.Mu * m.Mu * m.Mu * float64(m.D) * math.Exp(-2*tt) // mean²
			v := m.Mu * m.Mu * m.Gamma(tt)
			want2 := v + mu2
			want4 := mu2*mu2 + 6*mu2*v + 3*v*v
			var s2, s4 float64
			for _, x := range q {
				s2 += x * x
				s4 += x * x * x * x
			}
			s2 /= n
			s4 /= n
			if math.Abs(s2/want2-1) > 0.04 || math.Abs(s4/want4-1) > 0.08 {
				t.Errorf("%+v t=%g: E q²=%g (want %g), E q⁴=%g (want %g)", m, tt, s2, want2, s4, want4)
			}
		}
	}
}

// Monte Carlo check of eq. (6): clones simulated with the projected Langevin dynamics agree on
// the sign of q(0) with the probability φ(t) of the closed form.
func TestClonePhiMatchesEq6(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, m := range []Mixture{{D: 16, Mu: 1, Sigma: 1}, {D: 64, Mu: 1, Sigma: 1}, {D: 32, Mu: 0.8, Sigma: 0.6}} {
		for _, f := range []float64{0.5, 1, 1.5} {
			tt := f * m.SpeciationTime()
			got, se, err := m.ClonePhi(tt, 20000, 0.005, rng)
			if err != nil {
				t.Fatal(err)
			}
			want := m.Phi(tt)
			t.Logf("%+v t/t_S=%.1f: clones %.4f ± %.4f, eq. (6) %.4f", m, f, got, se, want)
			if math.Abs(got-want) > 4*se+0.005 {
				t.Errorf("%+v t=%g: cloning φ=%.4f ± %.4f, eq. (6) φ=%.4f", m, tt, got, se, want)
			}
		}
	}
}

func TestSimulatorBadInput(t *testing.T) {
	m := Mixture{D: 4, Mu: 1, Sigma: 1}
	rng := rand.New(rand.NewPCG(1, 1))
	q := make([]float64, 3)
	if err := m.EvolveQ(q, 1, 2, 0.1, rng); err == nil {
		t.Error("EvolveQ accepted from < to")
	}
	if err := m.EvolveQ(q, 1, 0, 0, rng); err == nil {
		t.Error("EvolveQ accepted step 0")
	}
	if err := m.SampleQ(q, -1, rng); err == nil {
		t.Error("SampleQ accepted t < 0")
	}
	if _, _, err := (Mixture{D: 4, Mu: 1, Sigma: 0}).ClonePhi(1, 10, 0.1, rng); err == nil {
		t.Error("ClonePhi accepted σ = 0")
	}
	if _, _, err := m.ClonePhi(1, 0, 0.1, rng); err == nil {
		t.Error("ClonePhi accepted 0 pairs")
	}
}
