package ddpm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// Fault class: truncated and bit-flipped files. Every truncation of a checkpoint, and every
// single-bit flip (one per byte, rotating the bit), is an error naming the file: the CRC-32C and
// the end marker leave no undetected single-bit error (issue 15, item 2).
func TestFaultCorruptCheckpoint(t *testing.T) {
	good := fzCheckpoint(t)
	dir := t.TempDir()
	p := filepath.Join(dir, CheckpointFile)
	check := func(what string, b []byte) {
		t.Helper()
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, _, err := ReadCheckpoint(p); err == nil || !strings.Contains(err.Error(), p) {
			t.Fatalf("%s: %v, want an error naming the file", what, err)
		}
	}
	for n := range len(good) {
		check("truncated to "+itoa(n)+" bytes", good[:n])
	}
	for i := range good {
		b := append([]byte(nil), good...)
		b[i] ^= 1 << (i % 8)
		check("bit flip at byte "+itoa(i), b)
	}
	t.Logf("%d truncations and %d bit flips of a %d-byte checkpoint: all detected", len(good), len(good), len(good))
}

// fzCheckpoint returns the bytes of a small valid DDPM checkpoint.
func fzCheckpoint(t testing.TB) []byte {
	store := model.NewStore()
	if _, err := store.CreateVariable("unet/w", tensors.FromValue([][]float32{{1, 2}, {3, 4}})); err != nil {
		t.Fatal(err)
	}
	if _, err := store.CreateVariable("adam/count", tensors.FromValue(int64(7))); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), CheckpointFile)
	if err := writeCheckpoint(p, Meta{Model: tinyConfig(), Train: tinyTrain(), Step: 2, Losses: []float32{0.5, 0.25}}, store); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
