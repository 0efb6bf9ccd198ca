package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/datasets"
	"github.com/diffregimes/diffregimes/pkg/ddpm"
)

// TestTrainFromCacheFileAndResume trains the tiny configuration for 2 steps on a small cache
// file, then resumes to 3 steps, and reads the checkpoint the way notebooks do.
func TestTrainFromCacheFileAndResume(t *testing.T) {
	dir := t.TempDir()
	ds := &datasets.Dataset{Name: "toy", N: 6, H: 8, W: 8, C: 1, X: make([]float32, 6*64), Labels: make([]int, 6)}
	for i := range ds.X {
		ds.X[i] = float32(i%7)/7 - 0.4
	}
	cache := filepath.Join(dir, "toy.bin")
	if err := ds.Save(cache); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "run")
	args := []string{"-config", "tiny", "-data", cache, "-out", out, "-batch", "2", "-every", "1", "-L", "50", "-quiet"}
	if err := run(append(args, "-steps", "2")); err != nil {
		t.Fatal(err)
	}
	if err := run(append(args, "-steps", "3")); err != nil {
		t.Fatal(err)
	}
	meta, err := ddpm.ReadCheckpointMeta(out)
	if err != nil {
		t.Fatal(err)
	}
	if meta.Step != 3 || len(meta.Losses) != 3 || meta.Schedule.L != 50 || meta.Model.Base != 8 {
		t.Errorf("checkpoint: step %d, %d losses, L %d, base %d", meta.Step, len(meta.Losses), meta.Schedule.L, meta.Model.Base)
	}
	if _, _, _, err := ddpm.LoadModel(out, 1); err != nil {
		t.Errorf("LoadModel: %v", err)
	}
	// Another configuration on the same directory is refused rather than silently ignored.
	if err := run([]string{"-config", "small", "-data", cache, "-out", out, "-steps", "4"}); err == nil ||
		!strings.Contains(err.Error(), "not the requested") {
		t.Errorf("config change on resume: %v", err)
	}
}

func TestBadArguments(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-out", "x"}, "-data is required"},
		{[]string{"-data", "/nonexistent/fmnist", "-out", t.TempDir()}, "no such file"},
		{[]string{"-data", t.TempDir(), "-out", t.TempDir(), "-config", "huge"}, `-config "huge"`},
		{[]string{"-data", t.TempDir(), "-out", t.TempDir(), "-dataset", "nosuch"}, `"nosuch"`},
	} {
		err := run(tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("run(%v) = %v, want an error containing %q", tc.args, err, tc.want)
		}
	}
}
