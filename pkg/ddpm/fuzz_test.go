package ddpm

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// fzCheckpoint returns a small valid checkpoint file (two variables, a loss history).
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

// fzSeal makes body a checkpoint with a valid CRC-32C and trailer, so that the fuzzer reaches the
// header and variable parsing behind the checksum (a crafted file, not random corruption).
func fzSeal(body []byte) []byte {
	out := bytes.Clone(body)
	out = binary.LittleEndian.AppendUint32(out, crc32.Checksum(body, crc32.MakeTable(crc32.Castagnoli)))
	return append(out, checkpointTrailer...)
}

// FuzzReadCheckpoint: ReadCheckpoint never panics on arbitrary bytes, sealed (valid checksum) or
// not, and what it accepts is consistent: one store variable per header entry, of the declared
// size (issue 15, item 3).
func FuzzReadCheckpoint(f *testing.F) {
	good := fzCheckpoint(f)
	body := good[:len(good)-len(checkpointTrailer)-4]
	f.Add(good, false)
	f.Add(body, true)
	f.Add(good[:len(good)/2], false)
	f.Add(body[:len(body)-3], true)
	dir := f.TempDir() // one per worker: a folder per input would cost more than the reader
	f.Fuzz(func(t *testing.T, b []byte, seal bool) {
		if seal {
			b = fzSeal(b)
		}
		p := filepath.Join(dir, CheckpointFile)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		meta, store, err := ReadCheckpoint(p)
		if err != nil {
			return
		}
		if store.NumVariables() != len(meta.Vars) {
			t.Fatalf("accepted %d header variables but stored %d", len(meta.Vars), store.NumVariables())
		}
		for _, sv := range meta.Vars {
			v := store.GetVariable(sv.Path)
			if v == nil || int(v.MustValue().Shape().ByteSize()) != sv.Bytes {
				t.Fatalf("variable %s missing or of the wrong size", sv.Path)
			}
		}
	})
}
