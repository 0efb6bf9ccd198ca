package realdata

import (
	"path/filepath"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/ddpm"
	"github.com/diffregimes/diffregimes/pkg/ou"
	"github.com/diffregimes/diffregimes/pkg/sde"
	"github.com/diffregimes/diffregimes/pkg/unet"
)

// TestRouteDDPMPlumbing trains a tiny U-Net for two steps, saves it where FindDDPM looks, and
// runs route (b) through the speciation, collapse and sampling code: the U-Net's store must
// carry the dataset for the nearest-neighbour tracking.
func TestRouteDDPMPlumbing(t *testing.T) {
	ds, m := clusters(16, 8, 1, 0.5, 6)
	b := backend.MustDefault()
	root := t.TempDir()
	t.Setenv(DDPMEnv, root)
	if _, ok := FindDDPM("clusters", 16); ok {
		t.Fatal("FindDDPM found a checkpoint in an empty directory")
	}
	data, err := ddpm.NewData(ds.X, ds.N, ds.H, ds.W, ds.C)
	if err != nil {
		t.Fatal(err)
	}
	if dir := DDPMDir("clusters", 16); dir != filepath.Join(root, "clusters-n16") {
		t.Fatalf("DDPMDir = %s, want it under $%s", dir, DDPMEnv)
	}
	tr, err := ddpm.NewTrainer(b, unet.Tiny(8, 1), ddpm.TrainConfig{Batch: 4, LearningRate: 1e-3, Seed: 1},
		ou.PaperSchedule(), data, DDPMDir("clusters", 16))
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Train(2); err != nil {
		t.Fatal(err)
	}
	if err := tr.Save(); err != nil {
		t.Fatal(err)
	}
	e, err := MaybeDDPM(b, "clusters", ds)
	if err != nil || e == nil {
		t.Fatalf("MaybeDDPM: %v, %v", e, err)
	}
	if e.Route != RouteDDPM || e.D() != 64 {
		t.Fatalf("route %q, d = %d", e.Route, e.D())
	}
	cfg := sde.Config{T: 3, L: 6, K: 3, Seed: 1}
	// Route (b) takes its own sizes where given (DDPMPairs, DDPMSamples).
	sp, err := Speciation(e, clone.SignClass(m), SpeciationOptions{Ratios: []float64{0.5}, Pairs: 8, DDPMPairs: 4, SDE: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if sp.Pairs != 4 {
		t.Errorf("speciation on route (b) ran %d pairs, want DDPMPairs = 4", sp.Pairs)
	}
	co, err := Collapse(e, CollapseOptions{Times: []float64{0.5}, Pairs: 8, Samples: 8, DDPMPairs: 4, DDPMSamples: 4, SDE: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if len(co.LastChange) != 4 || len(co.PhiC) != 1 || co.Pairs != 4 {
		t.Fatalf("collapse result: %d last changes, %d φ_C, %v pairs", len(co.LastChange), len(co.PhiC), co.Pairs)
	}
}
