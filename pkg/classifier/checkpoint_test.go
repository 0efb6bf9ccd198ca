package classifier

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
)

// TestResumeFromCheckpointIsBitExact: training continued from a saved and reloaded classifier
// (weights and Adam state from the pkg/checkpoint file) gives bit for bit the losses and logits
// of training continued in memory; a truncated checkpoint is an error naming the file.
func TestResumeFromCheckpointIsBitExact(t *testing.T) {
	b := backend.MustDefault()
	x, labels := brightDark(32, 8, 4)
	c, err := New(b, DefaultConfig(8, 8, 1, 2))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Train(x, labels, TrainOptions{Steps: 3, BatchSize: 8, LearningRate: 1e-2, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "ckpt")
	if err := c.Save(dir); err != nil {
		t.Fatal(err)
	}
	r, err := Load(b, dir)
	if err != nil {
		t.Fatal(err)
	}
	more := TrainOptions{Steps: 3, BatchSize: 8, LearningRate: 1e-2, Seed: 2}
	la, err := c.Train(x, labels, more)
	if err != nil {
		t.Fatal(err)
	}
	lb, err := r.Train(x, labels, more)
	if err != nil {
		t.Fatal(err)
	}
	for i := range la {
		if la[i] != lb[i] {
			t.Fatalf("loss of continued step %d: in memory %v, reloaded %v", i, la[i], lb[i])
		}
	}
	za, _ := c.Logits(x)
	zb, _ := r.Logits(x)
	for i := range za {
		if za[i] != zb[i] {
			t.Fatalf("logit %d after continued training: %v vs %v", i, za[i], zb[i])
		}
	}
	path := filepath.Join(dir, metaFile)
	raw, _ := os.ReadFile(path)
	if err := os.WriteFile(path, raw[:len(raw)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(b, dir); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated checkpoint: %v", err)
	}
}
