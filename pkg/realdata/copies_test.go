package realdata

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/datasets"
)

// TestCopies builds samples whose status is known: copies (a training image plus noise of
// norm 0.1 |a_μ - a_ν|_min / 2, so d₁/d₂ < 1/3), midpoints of two training images (d₁ = d₂,
// not copies, whichever images are nearest, since all are at similar distances). The count must
// be exact.
func TestCopies(t *testing.T) {
	const n, size = 12, 4
	ds, _ := clusters(n, size, 1, 1, 9)
	e := mustExperiment(t, ds)
	d := ds.D()
	rng := rand.New(rand.NewPCG(1, 2))
	var x []float32
	const copies, mids = 7, 5
	minSpacing := math.Inf(1)
	for i := range n {
		for j := range i {
			var s float64
			for k := range d {
				r := float64(ds.X[i*d+k] - ds.X[j*d+k])
				s += r * r
			}
			minSpacing = min(minSpacing, math.Sqrt(s))
		}
	}
	for c := range copies {
		a := ds.Row(c % n)
		noise := make([]float64, d)
		var norm float64
		for k := range noise {
			noise[k] = rng.NormFloat64()
			norm += noise[k] * noise[k]
		}
		scale := 0.1 * minSpacing / 2 / math.Sqrt(norm)
		for k := range d {
			x = append(x, a[k]+float32(scale*noise[k]))
		}
	}
	for c := range mids {
		a, b := ds.Row(c), ds.Row(c+1)
		for k := range d {
			x = append(x, (a[k]+b[k])/2)
		}
	}
	st, err := e.Copies(x)
	if err != nil {
		t.Fatal(err)
	}
	if st.Samples != copies+mids || st.Copies != copies {
		t.Fatalf("%d copies of %d samples, want %d of %d (ratios %v)", st.Copies, st.Samples, copies, copies+mids, st.Ratio)
	}
	if want := clone.Bernoulli(copies, copies+mids); st.Fraction != want {
		t.Errorf("fraction %+v, want %+v", st.Fraction, want)
	}
	for i, r := range st.Ratio {
		if i < copies && !(r < CopyThreshold) {
			t.Errorf("copy %d has d₁/d₂ = %.3f", i, r)
		}
	}
	// Exactly at the threshold is not a copy; bad input is an error.
	if s, err := CopyFraction([]float64{1, 0.999}, []float64{3, 3}); err != nil || s.Copies != 1 {
		t.Errorf("CopyFraction at the threshold: %+v, %v", s, err)
	}
	if _, err := CopyFraction([]float64{2}, []float64{1}); err == nil {
		t.Error("d1 > d2 accepted")
	}
	if _, err := CopyFraction(nil, nil); err == nil {
		t.Error("empty input accepted")
	}
}

// TestPixelStats compares with a two-pass computation on the uncentred pixels.
func TestPixelStats(t *testing.T) {
	ds := &datasets.Dataset{Name: "p", N: 2, H: 1, W: 2, C: 2, X: []float32{0, 1, 2, 3, 4, 5, 6, 7}, Mean: []float32{0.5, -1}}
	got, err := PixelStatsOf(ds, ds.X)
	if err != nil {
		t.Fatal(err)
	}
	raw := []float64{0.5, 0, 2.5, 2, 4.5, 4, 6.5, 6}
	var m, v float64
	for _, p := range raw {
		m += p
	}
	m /= 8
	for _, p := range raw {
		v += (p - m) * (p - m)
	}
	if !near(got.Mean, m, 1e-12) || !near(got.Std, math.Sqrt(v/8), 1e-12) {
		t.Errorf("PixelStatsOf = %+v, want %g / %g", got, m, math.Sqrt(v/8))
	}
	if _, err := PixelStatsOf(ds, ds.X[:3]); err == nil {
		t.Error("3 values of d = 4 accepted")
	}
}

// TestCrossingErr: for φ(t) = 1 - t/4 with one standard error s at every point, the crossings
// of φ ± s are (0.225 ∓ s)·4 apart by 8 s, so one standard error of the crossing is s/|φ'| = 4 s.
func TestCrossingErr(t *testing.T) {
	ts := []float64{2, 1.5, 1, 0.5, 0}
	var phi []clone.Estimate
	const s = 0.01
	for _, x := range ts {
		phi = append(phi, clone.Estimate{P: 1 - x/4, Err: 3 * s})
	}
	if got := crossingErr(ts, phi, clone.SpeciationLevel); !near(got, 4*s, 1e-12) {
		t.Errorf("crossingErr = %g, want %g", got, 4*s)
	}
	r := &SpeciationResult{PhiAt2: clone.Estimate{P: 0.53, Err: 0.03}}
	if got := r.PhiAt2Deviation(); !near(got, 3, 1e-9) {
		t.Errorf("PhiAt2Deviation = %g, want 3", got)
	}
}
