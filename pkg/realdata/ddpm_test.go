package realdata

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/datasets"
	"github.com/diffregimes/diffregimes/pkg/ddpm"
	"github.com/diffregimes/diffregimes/pkg/ou"
	"github.com/diffregimes/diffregimes/pkg/sde"
	"github.com/diffregimes/diffregimes/pkg/unet"
)

// clusterSpec is the spec recorded for the clusters of helpers_test (they are not loaded
// through datasets.Load, the key is built from this spec and the data).
func clusterSpec(n int, seed uint64) datasets.Spec {
	return datasets.Spec{Name: "clusters", Classes: []string{"minus", "plus"}, N: n, Seed: seed}
}

// trainTiny trains a tiny U-Net for two steps on ds and saves it in dir, recording set there.
func trainTiny(t *testing.T, ds *datasets.Dataset, set TrainingSet, dir string) {
	t.Helper()
	if note, err := PrepareDDPMDir(dir, set); err != nil || note != "" {
		t.Fatalf("PrepareDDPMDir: %q, %v", note, err)
	}
	data, err := ddpm.NewData(ds.X, ds.N, ds.H, ds.W, ds.C)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := ddpm.NewTrainer(backend.MustDefault(), unet.Tiny(ds.H, ds.C), ddpm.TrainConfig{Batch: 4, LearningRate: 1e-3, Seed: 1},
		ou.PaperSchedule(), data, dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Train(2); err != nil {
		t.Fatal(err)
	}
}

// TestRouteDDPMPlumbing trains a tiny U-Net for two steps, saves it where FindDDPM looks, and
// runs route (b) through the speciation, collapse and sampling code: the U-Net's store must
// carry the dataset for the nearest-neighbour tracking.
func TestRouteDDPMPlumbing(t *testing.T) {
	ds, m := clusters(16, 8, 1, 0.5, 6)
	spec := clusterSpec(16, 6)
	set, err := TrainingSetOf(spec, ds)
	if err != nil {
		t.Fatal(err)
	}
	b := backend.MustDefault()
	root := t.TempDir()
	t.Setenv(DDPMEnv, root)
	t.Setenv(ReferenceDDPMEnv, t.TempDir())
	if f := FindDDPM(set); len(f.Dirs) != 0 {
		t.Fatal("FindDDPM found a checkpoint in an empty directory")
	}
	dir := DDPMDir(set)
	if want := filepath.Join(root, "clusters-train-cminus+plus-n16-seed6-8x8x1"); dir != want {
		t.Fatalf("DDPMDir = %s, want %s", dir, want)
	}
	trainTiny(t, ds, set, dir)
	e, notes, err := MaybeDDPM(b, "clusters", spec, ds)
	if err != nil || e == nil {
		t.Fatalf("MaybeDDPM: %v, %v (notes %q)", e, err, notes)
	}
	if e.Route != RouteDDPM || e.D() != 64 || e.Model == nil || e.Model.Steps != 2 || !e.Model.Set.Same(set) {
		t.Fatalf("route %q, d = %d, provenance %+v", e.Route, e.D(), e.Model)
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

// TestDDPMOtherTrainingSet: a model trained on another training set with the same dataset name
// and n (another class pair, another seed, another image shape) is never picked up, and asking
// for it by directory is an error naming both sets.
func TestDDPMOtherTrainingSet(t *testing.T) {
	ds, _ := clusters(16, 8, 1, 0.5, 6)
	spec := clusterSpec(16, 6)
	set, err := TrainingSetOf(spec, ds)
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	t.Setenv(DDPMEnv, root)
	t.Setenv(ReferenceDDPMEnv, t.TempDir())
	trainTiny(t, ds, set, DDPMDir(set))

	others := map[string]func(s *TrainingSet){
		"class pair": func(s *TrainingSet) { s.Classes = []string{"plus", "other"} },
		"seed":       func(s *TrainingSet) { s.Seed = 7 },
		"n":          func(s *TrainingSet) { s.N = 32 },
		"shape":      func(s *TrainingSet) { s.H, s.W = 16, 4 },
		"content":    func(s *TrainingSet) { s.Digest = "0123456789abcdef" },
	}
	for name, change := range others {
		other := set
		other.Classes = append([]string(nil), set.Classes...)
		change(&other)
		if other.Same(set) {
			t.Fatalf("%s: changed set is Same as the original", name)
		}
		if f := FindDDPM(other); len(f.Dirs) != 0 {
			t.Errorf("%s: FindDDPM(%s) found %v, trained on %s", name, other, f.Dirs, set)
		}
		err := CheckTrainingSet(DDPMDir(set), other)
		var mis *MismatchError
		if !errors.As(err, &mis) || !strings.Contains(err.Error(), set.String()) || !strings.Contains(err.Error(), other.String()) {
			t.Errorf("%s: CheckTrainingSet error %v does not name both %s and %s", name, err, set, other)
		}
	}
	// The record of another set under this set's directory name is reported, not used.
	other := set
	other.Seed = 9
	if err := os.MkdirAll(DDPMDir(other), 0o755); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(DDPMDir(set), ddpm.CheckpointFile))
	if err := os.WriteFile(filepath.Join(DDPMDir(other), ddpm.CheckpointFile), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := RecordTrainingSet(DDPMDir(other), set); err != nil { // mislabelled copy
		t.Fatal(err)
	}
	f := FindDDPM(other)
	if len(f.Dirs) != 0 || len(f.Notes) != 1 || !strings.Contains(f.Notes[0], other.String()) || !strings.Contains(f.Notes[0], set.String()) {
		t.Errorf("FindDDPM of a mislabelled directory: %v, notes %q", f.Dirs, f.Notes)
	}
	// Recording another set where one is recorded is refused (training would resume on the wrong data).
	if err := RecordTrainingSet(DDPMDir(set), other); err == nil || !strings.Contains(err.Error(), other.String()) {
		t.Errorf("RecordTrainingSet over another record: %v", err)
	}
	// NewDDPM refuses data that is not the recorded set.
	ds2, _ := clusters(16, 8, 1, 0.5, 7)
	if _, err := NewDDPM(backend.MustDefault(), "x", set, ds2, DDPMDir(set)); err == nil || !strings.Contains(err.Error(), set.String()) {
		t.Errorf("NewDDPM on other data: %v", err)
	}
}

// TestDDPMTruncated: a truncated checkpoint is passed over with a note naming the file, and
// PrepareDDPMDir moves it aside so that training starts afresh, saying so.
func TestDDPMTruncated(t *testing.T) {
	ds, _ := clusters(16, 8, 1, 0.5, 6)
	spec := clusterSpec(16, 6)
	set, _ := TrainingSetOf(spec, ds)
	t.Setenv(DDPMEnv, t.TempDir())
	ref := t.TempDir()
	t.Setenv(ReferenceDDPMEnv, ref)
	dir := DDPMDir(set)
	trainTiny(t, ds, set, dir)
	path := filepath.Join(dir, ddpm.CheckpointFile)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw[:len(raw)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	f := FindDDPM(set)
	if len(f.Dirs) != 0 || len(f.Notes) != 1 || !strings.Contains(f.Notes[0], path) || !strings.Contains(f.Notes[0], "truncated") {
		t.Fatalf("FindDDPM of a truncated checkpoint: %v, notes %q", f.Dirs, f.Notes)
	}
	e, notes, err := MaybeDDPM(backend.MustDefault(), "x", spec, ds)
	if e != nil || err != nil || len(notes) != 1 {
		t.Fatalf("MaybeDDPM of a truncated checkpoint: %v, %v, %q", e, err, notes)
	}
	note, err := PrepareDDPMDir(dir, set)
	if err != nil || !strings.Contains(note, path) || !strings.Contains(note, "training from scratch") {
		t.Fatalf("PrepareDDPMDir: %q, %v", note, err)
	}
	if _, err := os.Stat(path + ".broken"); err != nil {
		t.Errorf("the truncated checkpoint was not moved aside: %v", err)
	}
	// A demonstration never trains into the reference models' directory.
	if _, err := PrepareDDPMDir(filepath.Join(ref, set.DirName()), set); err == nil || !strings.Contains(err.Error(), "reference") {
		t.Errorf("PrepareDDPMDir under the reference directory: %v", err)
	}
}
