package realdata

import (
	"testing"

	"github.com/gomlx/gomlx/ml/model"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/datasets"
	"github.com/diffregimes/diffregimes/pkg/ddpm"
	"github.com/diffregimes/diffregimes/pkg/sde"
	"github.com/diffregimes/diffregimes/pkg/unet"
)

// BenchmarkTrack measures tracking μ*(t) along 256 trajectories of 20 steps, n = 512, d = 1024.
func BenchmarkTrack(b *testing.B) {
	ds, _ := clusters(512, 32, 0.5, 1, 1)
	e, err := NewEmpirical(backend.MustDefault(), "bench", ds)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := e.Track(256, sde.Config{T: 2, L: 20, K: 10, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// untrainedDDPM is route (b) with a freshly initialised U-Net of configuration cfg on ds: the
// cost of a step does not depend on the weights.
func untrainedDDPM(tb testing.TB, ds *datasets.Dataset, cfg unet.Config) *Experiment {
	tb.Helper()
	m, err := unet.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	store := model.NewStore()
	store.SetParam(unet.ParamSeedKey, cfg.Seed)
	sched, err := ddpm.ScaledSchedule(100)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := ddpm.NewScore(m, store, sched)
	if err != nil {
		tb.Fatal(err)
	}
	e, err := New(backend.MustDefault(), "bench", RouteDDPM, ds, s)
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

// BenchmarkCloneDDPM compares, on the same U-Net (notebook 20's quick configuration, 32×32),
// the cloning protocol as the notebooks ran it before (clone.Run: a separate chain per
// cloning time, K = 10 steps fused per call) with the stacked run of Speciation's route (b)
// (one U-Net call per step for all live trajectories, K = 1): 16 pairs, 4 cloning times,
// L = 20. One iteration includes compiling the graphs, as a notebook session does.
func BenchmarkCloneDDPM(b *testing.B) {
	ds, m := clusters(16, 32, 1, 0.5, 6)
	times := []float64{0.5, 1, 2, 3}
	classes := map[string]clone.ClassFunc{"phi": clone.SignClass(m)}
	cfg := sde.Config{T: 5, L: 20, K: 10, Seed: 1}
	b.Run("separate-K10", func(b *testing.B) {
		e := untrainedDDPM(b, ds, unet.Tiny(32, 1))
		for b.Loop() {
			in, err := e.Integrator(cfg)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := clone.Run(in, clone.Options{Times: times, Pairs: 16, Classes: classes}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("stacked-K1", func(b *testing.B) {
		e := untrainedDDPM(b, ds, unet.Tiny(32, 1))
		for b.Loop() {
			in, err := e.Integrator(stackedConfig(e, cfg))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := stackedClone(e, in, times, 16, 0, classes); err != nil {
				b.Fatal(err)
			}
		}
	})
}
