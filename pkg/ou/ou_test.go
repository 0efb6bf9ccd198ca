package ou

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func TestDeltaGamma(t *testing.T) {
	for _, tt := range []float64{1e-12, 1e-6, 1e-3, 0.1, 1, 5, 50} {
		want := 1 - math.Exp(-2*tt)
		if tt < 1e-3 {
			want = 2*tt - 2*tt*tt // series, avoids the cancellation the closed form suffers
		}
		if got := Delta(tt); math.Abs(got-want) > 1e-12*math.Max(1, want) && math.Abs(got-want)/want > 1e-9 {
			t.Errorf("Delta(%g) = %g, want %g", tt, got, want)
		}
		if got := Gamma(tt, 1); math.Abs(got-1) > 1e-15 {
			t.Errorf("Gamma(%g, σ=1) = %g, want 1 (σ=1 keeps unit variance)", tt, got)
		}
	}
	if !math.IsNaN(Delta(-1)) || !math.IsNaN(Gamma(-1, 1)) {
		t.Error("negative time must give NaN")
	}
}

// Γ_t at σ ≠ 1 is the variance of x(t) = e^{-t} a + sqrt(Δ_t) ξ for a ~ N(0, σ²): checked by a
// Monte Carlo of the forward process itself (not of the formula), within 4 standard errors of
// the sample variance (its s.e. is Γ_t sqrt(2/(n−1)) for Gaussian samples).
func TestGammaIsForwardVariance(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const n = 200000
	for _, sigma := range []float64{0.3, 2.5} {
		for _, tt := range []float64{0.05, 0.5, 2} {
			var s, s2 float64
			for range n {
				a := sigma * r.NormFloat64()
				x := math.Exp(-tt)*a + math.Sqrt(-math.Expm1(-2*tt))*r.NormFloat64()
				s, s2 = s+x, s2+x*x
			}
			m := s / n
			v := (s2 - n*m*m) / (n - 1)
			g := Gamma(tt, sigma)
			if se := g * math.Sqrt(2.0/(n-1)); math.Abs(v-g) > 4*se {
				t.Errorf("σ=%g t=%g: sample variance %.5f, Γ_t = %.5f (± %.5f)", sigma, tt, v, g, se)
			}
		}
	}
}

// The forward closed form must have mean e^{-t} a and variance Δ_t: checked by Monte Carlo.
func TestForwardMoments(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const n = 200000
	a := []float64{2}
	tt := 0.4
	var s, s2 float64
	xi := []float64{0}
	for range n {
		xi[0] = r.NormFloat64()
		f, err := Forward(nil, a, xi, tt)
		if err != nil {
			t.Fatal(err)
		}
		x := f[0]
		s += x
		s2 += x * x
	}
	mean := s / n
	v := s2/n - mean*mean
	if math.Abs(mean-2*math.Exp(-tt)) > 4*math.Sqrt(Delta(tt)/n) {
		t.Errorf("mean %g, want %g", mean, 2*math.Exp(-tt))
	}
	if math.Abs(v-Delta(tt)) > 0.01 {
		t.Errorf("variance %g, want Δ=%g", v, Delta(tt))
	}
}

func TestPaperScheduleHorizon(t *testing.T) {
	s := PaperSchedule()
	// The paper quotes T = 5.05; the exact value is 5.0589 (the paper truncates).
	if T := s.Time(1000); T < 5.05 || T >= 5.06 {
		t.Fatalf("Time(1000) = %.4f, paper says T = 5.05", T)
	}
	if s.Beta(1) != 1e-4 || math.Abs(s.Beta(1000)-2e-2) > 1e-15 {
		t.Fatalf("betas %g..%g", s.Beta(1), s.Beta(1000))
	}
	if s.Time(0) != 0 || s.AlphaBar(0) != 1 {
		t.Fatal("step 0 is the clean data")
	}
	prev := -1.0
	for k, tt := range s.Times() {
		if tt <= prev {
			t.Fatalf("Time not increasing at step %d", k)
		}
		prev = tt
		if got, err := s.Step(tt); err != nil || got != k {
			t.Fatalf("Step(Time(%d)) = %d, %v", k, got, err)
		}
	}
	if hi, _ := s.Step(100); hi != 1000 {
		t.Fatal("Step must clamp above")
	}
	if lo, _ := s.Step(-1); lo != 0 {
		t.Fatal("Step must clamp below")
	}
	// Small-β limit: Time(t') ≈ 1/2 Σ β_s, i.e. one step of size β/2 in OU time.
	if got, want := s.Time(1), 0.5*1e-4; math.Abs(got-want)/want > 1e-3 {
		t.Fatalf("Time(1) = %g, want ≈ %g", got, want)
	}
}

func TestNewScheduleErrors(t *testing.T) {
	for _, c := range []struct {
		b0, b1 float64
		L      int
	}{{1e-4, 2e-2, 0}, {0, 2e-2, 10}, {1e-4, 1, 10}, {math.NaN(), 0.1, 10}} {
		if _, err := NewSchedule(c.b0, c.b1, c.L); err == nil {
			t.Errorf("NewSchedule(%v) gave no error", c)
		}
	}
}

func ExampleSchedule_Time() {
	s := PaperSchedule()
	fmt.Printf("T = %.4f, t(500) = %.4f\n", s.Time(1000), s.Time(500))
	// Output: T = 5.0589, t(500) = 1.2718
}
