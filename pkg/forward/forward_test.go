package forward

import (
	"math"
	"strings"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/ou"
)

func newSampler(t *testing.T) *Sampler {
	t.Helper()
	s, err := NewSampler(backend.MustDefault())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// gaussianData returns n rows of d coordinates, N(mu_j, sigma²) with a per-coordinate mean.
func gaussianData(n, d int, sigma float64, seed uint64) []float32 {
	z := Noise(n, d, seed, 99)
	for i := range z {
		z[i] = float32(sigma)*z[i] + float32(i%d)/float32(d)
	}
	return z
}

// TestApplyMatchesFloat64 compares the gomlx graph with pkg/ou's plain float64 loop, including a tiny t
// where Δ_t ≈ 2t must not round to 0.
func TestApplyMatchesFloat64(t *testing.T) {
	s := newSampler(t)
	n, d := 7, 13
	a := gaussianData(n, d, 1, 1)
	xi := Noise(n, d, 2, 0)
	for _, tt := range []float64{0, 1e-6, 0.05, 0.4, 3.2, 20} {
		got, err := s.Apply(a, xi, n, d, tt)
		if err != nil {
			t.Fatal(err)
		}
		a64, xi64 := make([]float64, n*d), make([]float64, n*d)
		for i := range a {
			a64[i], xi64[i] = float64(a[i]), float64(xi[i])
		}
		want, err := ou.Forward(nil, a64, xi64, tt)
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			// Compare the noise part separately at small t so that float32 rounding of a does not hide it.
			if diff := math.Abs(float64(got[i]) - want[i]); diff > 2e-6*(1+math.Abs(want[i])) {
				t.Fatalf("t=%g i=%d: graph %v, float64 %v", tt, i, got[i], want[i])
			}
		}
		if tt == 1e-6 {
			// x - e^{-t} a must be sqrt(2e-6) ξ ≈ 1.4e-3 ξ, not 0.
			r := (float64(got[0]) - math.Exp(-tt)*float64(a[0])) / float64(xi[0])
			if math.Abs(r-math.Sqrt(ou.Delta(tt))) > 1e-4 {
				t.Errorf("t=1e-6: noise amplitude %v, want sqrt(Δ_t) = %v", r, math.Sqrt(ou.Delta(tt)))
			}
		}
	}
}

// TestVarianceCurve checks the measured variance against eq. (2)'s prediction (within 5 standard
// errors) and against the same statistic computed in float64 from the same noise.
func TestVarianceCurve(t *testing.T) {
	s := newSampler(t)
	n, d := 4000, 16
	sigma := 0.5
	a := gaussianData(n, d, sigma, 3)
	ts := []float64{0.01, 0.1, 0.5, 1, 3}
	pts, err := s.VarianceCurve(a, n, d, ts, 7)
	if err != nil {
		t.Fatal(err)
	}
	for k, p := range pts {
		theory := math.Exp(-2*p.T)*sigma*sigma + ou.Delta(p.T) // population value
		if math.Abs(p.Variance-p.Predicted) > 5*p.StdErr || math.Abs(p.Predicted-theory) > 0.02 {
			t.Errorf("t=%g: measured %v ± %v, predicted %v, population %v", p.T, p.Variance, p.StdErr, p.Predicted, theory)
		}
		if !(p.StdErr > 0) || p.StdErr > 0.01 {
			t.Errorf("t=%g: standard error %v out of range", p.T, p.StdErr)
		}
		// Independent float64 computation of the same statistic with the same noise.
		xi := Noise(n, d, 7, uint64(k))
		e, sd := math.Exp(-p.T), math.Sqrt(ou.Delta(p.T))
		var tot float64
		for j := 0; j < d; j++ {
			var m, q float64
			for i := 0; i < n; i++ {
				m += e*float64(a[i*d+j]) + sd*float64(xi[i*d+j])
			}
			m /= float64(n)
			for i := 0; i < n; i++ {
				x := e*float64(a[i*d+j]) + sd*float64(xi[i*d+j]) - m
				q += x * x
			}
			tot += q / float64(n-1)
		}
		if ref := tot / float64(d); math.Abs(ref-p.Variance) > 1e-4*ref {
			t.Errorf("t=%g: graph variance %v, float64 %v", p.T, p.Variance, ref)
		}
	}
	// Seeded: the same call gives the same numbers.
	again, _ := s.VarianceCurve(a, n, d, ts, 7)
	for k := range pts {
		if again[k] != pts[k] {
			t.Fatalf("not reproducible: %+v vs %+v", again[k], pts[k])
		}
	}
}

func TestBadInput(t *testing.T) {
	s := newSampler(t)
	a := make([]float32, 6)
	for _, tc := range []struct {
		err  error
		want string
	}{
		{func() error { _, err := s.Apply(a, a[:5], 2, 3, 1); return err }(), "xi has 5 values"},
		{func() error { _, err := s.Apply(a, a, 2, 3, -1); return err }(), "t must be >= 0"},
		{func() error { _, err := s.Apply(a, a, 3, 3, 1); return err }(), "a has 6 values, want n*d = 9"},
		{func() error { _, err := s.VarianceCurve(a[:3], 1, 3, []float64{1}, 0); return err }(), "n=1"},
		{func() error { _, err := s.VarianceCurve(a, 2, 3, nil, 0); return err }(), "no times"},
		{func() error { _, err := NewSampler(nil); return err }(), "backend is nil"},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("error %v, want one containing %q", tc.err, tc.want)
		}
	}
}

func TestStripAndColumns(t *testing.T) {
	s := newSampler(t)
	a := gaussianData(1, 50, 1, 5)
	ts := []float64{0, 0.4, 3.2}
	strip, err := s.Strip(a, ts, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a { // t = 0 is the data point itself
		if strip[0][i] != a[i] {
			t.Fatalf("x(0) != a at %d", i)
		}
	}
	// Same noise for every time: x(t) - e^{-t} a is proportional to one vector ξ.
	xi := Noise(1, 50, 1, 0)
	for k, tt := range ts[1:] {
		for i := range a {
			want := math.Exp(-tt)*float64(a[i]) + math.Sqrt(ou.Delta(tt))*float64(xi[i])
			if math.Abs(float64(strip[k+1][i])-want) > 1e-5 {
				t.Fatalf("t=%g i=%d: %v want %v", tt, i, strip[k+1][i], want)
			}
		}
	}
	if _, err := s.Strip(nil, ts, 1); err == nil {
		t.Error("empty data point must be an error")
	}
	pts := []Point{{Delta: 0.5, Variance: 1.1, StdErr: 0.05, Predicted: 1}}
	d, m, e3, p := Columns(pts)
	if d[0] != 0.5 || m[0] != 1.1 || math.Abs(e3[0]-0.15) > 1e-15 || p[0] != 1 {
		t.Errorf("Columns = %v %v %v %v", d, m, e3, p)
	}
	if got := MaxDeviation(pts); math.Abs(got-2) > 1e-12 {
		t.Errorf("MaxDeviation = %v, want 2", got)
	}
}
