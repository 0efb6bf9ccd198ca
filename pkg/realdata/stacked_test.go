package realdata

import (
	"math"
	"slices"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/nearest"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

// TestStackedTrunkIsTrack: with host noise the first rows of every draw do not depend on the
// batch size, so the trunk rows of a stacked run (which grows the batch with copies) must be
// bit for bit the trajectories of nearest.Tracker.Track from the same seed, with the same
// μ*(t_k) history and t̂_C. This holds on the step graph; the host kernel (OpenBLAS) rounds a
// row differently when the batch around it changes, so the test pins the graph.
func TestStackedTrunkIsTrack(t *testing.T) {
	ds, _ := clusters(32, 4, 1, 0.6, 2)
	e := mustExperiment(t, ds)
	cfg := sde.Config{T: 3, L: 30, K: 4, Seed: 5, Noise: sde.NoiseHost, Kernel: sde.KernelGraph}
	in, err := e.Integrator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	st, err := runStacked(e, in, 6, 4, []int{7, 3, 20}, true)
	if err != nil {
		t.Fatal(err)
	}
	d := e.D()
	if len(st.x) != (6+3*4)*d || !slices.Equal(st.steps, []int{3, 7, 20}) {
		t.Fatalf("stacked run: %d values, steps %v", len(st.x), st.steps)
	}
	tr, err := nearest.New(e.Backend(), e.Points)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tracksOf(st, tr, d)
	if err != nil {
		t.Fatal(err)
	}
	in2, err := e.Integrator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	want, err := tr.Track(in2, 6)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.X, want.X) {
		t.Fatal("the trunk of the stacked run differs from Track's trajectories")
	}
	if len(got.Index) != len(want.Index) {
		t.Fatalf("%d index rows, Track has %d", len(got.Index), len(want.Index))
	}
	for k := range want.Index {
		if !slices.Equal(got.Index[k], want.Index[k]) {
			t.Fatalf("μ*(t_%d) = %v, Track: %v", k, got.Index[k], want.Index[k])
		}
	}
	if !slices.Equal(got.LastChange, want.LastChange) || !slices.Equal(got.Final, want.Final) {
		t.Fatalf("t̂_C %v / %v, μ*(0) %v / %v", got.LastChange, want.LastChange, got.Final, want.Final)
	}
}

// TestStackedCloneLaw: the stacked cloning protocol and clone.Run estimate the same φ(t) (same
// law, independent noise): at every cloning time the two estimates agree within four combined
// standard errors, and both go from ½-ish at large t to 1 at small t.
func TestStackedCloneLaw(t *testing.T) {
	ds, m := clusters(64, 4, 0.7, 1, 3)
	e := mustExperiment(t, ds)
	times := []float64{0.1, 0.5, 1, 2}
	classes := map[string]clone.ClassFunc{"phi": clone.SignClass(m)}
	const pairs = 500
	in, err := e.Integrator(sde.Config{T: 4, L: 20, K: 5, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	a, err := stackedClone(e, in, times, pairs, 250, classes)
	if err != nil {
		t.Fatal(err)
	}
	in2, err := e.Integrator(sde.Config{T: 4, L: 20, K: 5, Seed: 12})
	if err != nil {
		t.Fatal(err)
	}
	b, err := clone.Run(in2, clone.Options{Times: times, Pairs: pairs, Classes: classes})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Times, b.Times) || a.Pairs != pairs {
		t.Fatalf("times %v / %v, pairs %d", a.Times, b.Times, a.Pairs)
	}
	for i := range a.Times {
		pa, pb := a.Same["phi"][i], b.Same["phi"][i]
		se := math.Hypot(pa.Err/3, pb.Err/3)
		if math.Abs(pa.P-pb.P) > 4*se+1e-12 {
			t.Errorf("t = %.2f: stacked φ = %.4f, clone.Run φ = %.4f (combined s.e. %.4f)", a.Times[i], pa.P, pb.P, se)
		}
	}
	if p := a.Same["phi"][len(a.Times)-1].P; p < 0.99 {
		t.Errorf("φ at the smallest cloning time t = %.2f is %.3f, want ≈ 1", a.Times[len(a.Times)-1], p)
	}
}
