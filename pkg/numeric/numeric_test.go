package numeric

import (
	"errors"
	"math"
	"testing"
)

func TestLinspaceLogspace(t *testing.T) {
	x := Linspace(1, 0, 5)
	want := []float64{1, 0.75, 0.5, 0.25, 0}
	for i := range want {
		if x[i] != want[i] {
			t.Fatalf("Linspace(1, 0, 5) = %v, want %v", x, want)
		}
	}
	l := Logspace(0.01, 100, 5)
	for i, w := range []float64{0.01, 0.1, 1, 10, 100} {
		if math.Abs(l[i]-w) > 1e-12*w {
			t.Fatalf("Logspace = %v", l)
		}
	}
	if Linspace(0, 1, 1) != nil || Logspace(1, 2, 0) != nil {
		t.Fatal("n < 2 must give nil")
	}
}

func TestMeanSE(t *testing.T) {
	m, se := MeanSE([]float64{1, 2, 3, 4})
	// s² = 5/3, se = sqrt(5/3/4)
	if m != 2.5 || math.Abs(se-math.Sqrt(5.0/12)) > 1e-15 {
		t.Fatalf("MeanSE = %g, %g", m, se)
	}
	if m, se := MeanSE([]float64{7}); m != 7 || !math.IsNaN(se) {
		t.Fatalf("one value: %g, %g", m, se)
	}
	if m, _ := MeanSE(nil); !math.IsNaN(m) {
		t.Fatal("empty: want NaN")
	}
}

func TestMedianQuantile(t *testing.T) {
	v := []float64{5, 1, 4, 2, 3, 6}
	if got := Median(v); got != 3.5 {
		t.Fatalf("Median = %g, want 3.5", got)
	}
	if v[0] != 5 {
		t.Fatal("Median modified its input")
	}
	if got := Median(v[:5]); got != 3 {
		t.Fatalf("odd Median = %g, want 3", got)
	}
	if got := Quantile(0.5, v); got != 3 {
		t.Fatalf("Quantile(0.5) = %g, want 3 (empirical: lower middle)", got)
	}
	if got := Quantile(1, v); got != 6 {
		t.Fatalf("Quantile(1) = %g", got)
	}
	if !math.IsNaN(Median(nil)) || !math.IsNaN(Quantile(2, v)) {
		t.Fatal("want NaN")
	}
}

func TestCrossing(t *testing.T) {
	// φ-like curve, decreasing in t, listed backward (decreasing t).
	ts := []float64{3, 2, 1, 0.5}
	phi := []float64{0.5, 0.6, 0.9, 1}
	got, err := Crossing(ts, phi, 0.775)
	// between t = 1 (0.9) and t = 2 (0.6): 1 + (0.9-0.775)/0.3
	if want := 1 + 0.125/0.3; err != nil || math.Abs(got-want) > 1e-14 {
		t.Fatalf("Crossing = %g, %v; want %g", got, err, want)
	}
	// the largest crossing wins over a smaller one
	got, _ = Crossing([]float64{0, 1, 2, 3}, []float64{1, -1, 1, -1}, 0)
	if got != 2.5 {
		t.Fatalf("largest crossing = %g, want 2.5", got)
	}
	// a point on the level counts; NaN points are skipped
	got, _ = Crossing([]float64{0, 1, 2, 3}, []float64{1, 0, math.NaN(), -1}, 0)
	if got != 1 {
		t.Fatalf("on-level point: got %g, want 1", got)
	}
	if _, err := Crossing([]float64{0, 1}, []float64{1, 2}, 5); !errors.Is(err, ErrNoCrossing) {
		t.Fatalf("no crossing: err = %v", err)
	}
	if _, err := Crossing([]float64{0, 0}, []float64{1, -1}, 0); err == nil {
		t.Fatal("repeated x: want an error")
	}
	if _, err := Crossing([]float64{0}, []float64{1, 2}, 0); err == nil {
		t.Fatal("length mismatch: want an error")
	}
}

func TestBisect(t *testing.T) {
	r, err := Bisect(func(x float64) float64 { return x*x - 2 }, 0, 2, 0)
	if err != nil || math.Abs(r-math.Sqrt2) > 4e-16 {
		t.Fatalf("Bisect = %.17g, %v", r, err)
	}
	r, err = Bisect(math.Cos, 0, 3, 1e-6)
	if err != nil || math.Abs(r-math.Pi/2) > 1e-6 {
		t.Fatalf("Bisect(cos) = %g, %v", r, err)
	}
	if _, err := Bisect(func(x float64) float64 { return x*x + 1 }, -1, 1, 0); err == nil {
		t.Fatal("no sign change: want an error")
	}
	if _, err := Bisect(func(x float64) float64 { return 1 / x }, 0, 1, 0); err == nil {
		t.Fatal("f(0) = +Inf: want an error")
	}
}

// The cases of the former experiment.LevelCrossing test: the last of several crossings, after
// a run of points on the level.
func TestCrossingLast(t *testing.T) {
	x := []float64{0, 1, 2, 3, 4}
	y := []float64{0, 0, 1, -1, 3} // last crossing of 0: between 3 and 4 at 3.25
	if got, err := Crossing(x, y, 0); err != nil || math.Abs(got-3.25) > 1e-12 {
		t.Errorf("Crossing = %g, %v; want 3.25", got, err)
	}
	if _, err := Crossing(x, y, 10); err == nil {
		t.Error("no crossing must be an error")
	}
}
