package gmm

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/integrate"

	"github.com/diffregimes/diffregimes/pkg/numeric"
)

// The numerical zero of V”(0, t) is t* of eq. (23).
func TestCurvatureZeroIsTStar(t *testing.T) {
	for _, m := range []Mixture{{D: 10, Mu: 1, Sigma: 1}, {D: 100, Mu: 0.7, Sigma: 1.3}, {D: 12288, Mu: 1, Sigma: 1}} {
		got, err := m.CurvatureZero(0, 10)
		if err != nil {
			t.Fatal(err)
		}
		want := 0.5 * math.Log(2*float64(m.D)*m.Mu*m.Mu)
		if math.Abs(got-want) > 1e-6 {
			t.Errorf("d=%d μ̃=%g: curvature zero %.9f, t* = %.9f", m.D, m.Mu, got, want)
		}
	}
	if _, err := (Mixture{D: 100, Mu: 1, Sigma: 1}).CurvatureZero(4, 10); err == nil {
		t.Error("a bracket without sign change must be an error")
	}
}

func TestBarrier(t *testing.T) {
	m := Mixture{D: 100, Mu: 1, Sigma: 1}
	ts := m.CurvatureTime()
	prev := 0.0
	for _, tt := range []float64{ts - 0.05, ts - 0.5, ts - 1, ts - 2} {
		h, q0, err := m.Barrier(tt)
		if err != nil {
			t.Fatal(err)
		}
		if !(h > prev) || !(q0 > 0) {
			t.Fatalf("t=%g: barrier %g (previous %g), q0 = %g: must grow as t decreases", tt, h, prev, q0)
		}
		prev = h
		if f := m.Force(q0, tt); math.Abs(f) > 1e-9*(1+q0) {
			t.Errorf("t=%g: force at the minimum q0=%g is %g", tt, q0, f)
		}
		for _, dq := range []float64{-1e-3, 1e-3} {
			if m.Potential(q0+dq, tt) < m.Potential(q0, tt) {
				t.Errorf("t=%g: q0=%g is not a minimum", tt, q0)
			}
		}
	}
	if h, q0, _ := m.Barrier(ts + 0.1); h != 0 || q0 != 0 {
		t.Errorf("single well above t*: barrier %g at %g", h, q0)
	}
}

// Commitment against a direct Monte Carlo of its definition: y from P_t along m, the
// probability that the cluster the posterior picks has the sign of y.
func TestCommitmentMonteCarlo(t *testing.T) {
	m := Mixture{D: 64, Mu: 1, Sigma: 1.5}
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 200000
	for _, tt := range []float64{0.5, m.SpeciationTime(), 3, 6} {
		a := m.Mu * m.Mu * math.Sqrt(float64(m.D)) * math.Exp(-tt) // mean of q in cluster +
		s := m.Mu * math.Sqrt(m.Gamma(tt))
		var sum, sum2 float64
		for range n {
			y := a + s*rng.NormFloat64()
			if rng.IntN(2) == 0 {
				y = -y
			}
			lp := -0.5 * (y - a) * (y - a) / (s * s)
			lm := -0.5 * (y + a) * (y + a) / (s * s)
			pPlus := 1 / (1 + math.Exp(lm-lp))
			c := pPlus
			if y < 0 {
				c = 1 - pPlus
			}
			sum += c
			sum2 += c * c
		}
		mean := sum / n
		se := math.Sqrt((sum2/n - mean*mean) / n)
		if got := m.Commitment(tt); math.Abs(got-mean) > 4*se+1e-6 {
			t.Errorf("t=%g: Commitment %.5f, Monte Carlo %.5f ± %.5f", tt, got, mean, se)
		}
	}
	if c := m.Commitment(40); math.Abs(c-0.5) > 1e-9 {
		t.Errorf("C(∞) = %g, want ½", c)
	}
	if c := m.Commitment(0.01); math.Abs(c-1) > 1e-6 { // 1 − O(e^{−κ²/2}), κ ≈ 5.3
		t.Errorf("C(0) = %g, want 1", c)
	}
}

// The split shifted-Gaussian quadrature of Commitment against gonum's Simpson rule on 200 001
// points of u, split at the kink u = 0 (an independent quadrature of the same integral).
func TestCommitmentMatchesSimpson(t *testing.T) {
	for _, m := range []Mixture{{D: 64, Mu: 1, Sigma: 1.5}, {D: 12288, Mu: 0.7, Sigma: 1}} {
		for _, tt := range []float64{0.05, 0.5, m.SpeciationTime(), 1.3 * m.SpeciationTime(), 8} {
			k := m.SNR(tt)
			f := func(u float64) float64 {
				return math.Exp(-0.5*(u-k)*(u-k)) / math.Sqrt(2*math.Pi) / (1 + math.Exp(-2*k*math.Abs(u)))
			}
			side := func(a, b float64) float64 {
				if b <= a {
					return 0
				}
				x := numeric.Linspace(a, b, 100001)
				y := make([]float64, len(x))
				for i := range x {
					y[i] = f(x[i])
				}
				return integrate.Simpsons(x, y)
			}
			want := side(math.Min(0, k-14), 0) + side(0, math.Max(0, k+14))
			if got := m.Commitment(tt); math.Abs(got-want) > 1e-10 {
				t.Errorf("d=%d t=%g: Commitment %.12f, Simpson %.12f", m.D, tt, got, want)
			}
		}
	}
	if !math.IsNaN((Mixture{D: 4, Mu: 1, Sigma: 1}).Commitment(-1)) {
		t.Error("t < 0 must give NaN")
	}
}

// The drawn points have the mixture's moments: E[label·a_i] = μ̃, Var = σ², half per cluster.
func TestSample(t *testing.T) {
	m := Mixture{D: 8, Mu: 0.7, Sigma: 1.3}
	const n = 20000
	a, labels, err := m.Sample(n, NewRand(5))
	if err != nil {
		t.Fatal(err)
	}
	var s, s2, plus float64
	for mu := range n {
		if labels[mu] > 0 {
			plus++
		}
		for _, v := range a[mu*m.D : (mu+1)*m.D] {
			y := float64(labels[mu])*float64(v) - m.Mu
			s, s2 = s+y, s2+y*y
		}
	}
	k := float64(n * m.D)
	if mean := s / k; math.Abs(mean) > 4*m.Sigma/math.Sqrt(k) {
		t.Errorf("mean of label·a − μ̃ = %g", mean)
	}
	if v := s2/k - (s/k)*(s/k); math.Abs(v-m.Sigma*m.Sigma) > 0.03 {
		t.Errorf("variance %g, want σ² = %g", v, m.Sigma*m.Sigma)
	}
	if math.Abs(plus/n-0.5) > 4*0.5/math.Sqrt(n) {
		t.Errorf("fraction in cluster + = %g", plus/n)
	}
	b, _, _ := m.Sample(n, NewRand(5))
	if b[123] != a[123] {
		t.Error("same seed must give the same data")
	}
	if _, _, err := m.Sample(0, NewRand(1)); err == nil {
		t.Error("n = 0 must be an error")
	}
	if c := m.Centre(); len(c) != 8 || c[3] != float32(0.7) {
		t.Errorf("Centre = %v", c)
	}
}

// Rand fills one point and returns its label; Sample is Rand in a loop on NewRand(seed).
func TestRandIsSampleStream(t *testing.T) {
	m := Mixture{D: 5, Mu: 0.9, Sigma: 0.4}
	a, labels, _ := m.Sample(3, NewRand(11))
	rng := NewRand(11)
	x := make([]float32, m.D)
	for mu := range 3 {
		if l := m.Rand(x, rng); l != labels[mu] || x[2] != a[mu*m.D+2] {
			t.Fatalf("point %d: Rand gives label %d, x %v; Sample %d, %v", mu, l, x, labels[mu], a[mu*m.D:(mu+1)*m.D])
		}
	}
}

func TestBarrierCurvatureErrors(t *testing.T) {
	m := Mixture{D: 100, Mu: 1, Sigma: 1}
	if _, _, err := m.Barrier(-1); err == nil || !strings.Contains(err.Error(), "t = -1") {
		t.Errorf("Barrier(-1): %v", err)
	}
	if _, err := m.CurvatureZero(3, 1); err == nil || !strings.Contains(err.Error(), "tLo < tHi") {
		t.Errorf("CurvatureZero(3, 1): %v", err)
	}
}
