package ddpm

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
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

// Crafted checkpoints (a valid checksum over a bad header, what the fuzzer of FuzzReadCheckpoint
// builds) are errors, not panics or inconsistent stores: negative or overflowing dimensions, an
// invalid dtype, repeated or empty variable paths. These panicked or were accepted before.
func TestFaultCraftedCheckpoint(t *testing.T) {
	for _, tc := range []struct{ header, want string }{
		{`{"vars":[{"path":"w","dtype":"Float32","dims":[-1],"bytes":-4}]}`, "dimensions [-1] do not fit"},
		{`{"vars":[{"path":"w","dtype":"Float32","dims":[4611686018427387904,4],"bytes":0}]}`, "do not fit the file"},
		{`{"vars":[{"path":"w","dtype":"InvalidDType","dims":[1],"bytes":4}]}`, `unknown dtype "InvalidDType"`},
		{`{"vars":[{"path":"w","dtype":"Float32","dims":[0],"bytes":0},{"path":"w","dtype":"Float32","dims":[0],"bytes":0}]}`, `"w" empty or repeated`},
		{`{"vars":[{"path":"","dtype":"Float32","dims":[1],"bytes":4}]}`, `"" empty or repeated`},
	} {
		b := append([]byte(checkpointMagic), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
		binary.LittleEndian.PutUint32(b[len(checkpointMagic):], checkpointVersion)
		binary.LittleEndian.PutUint64(b[len(checkpointMagic)+4:], uint64(len(tc.header)))
		b = append(append(b, tc.header...), 1, 2, 3, 4)
		p := filepath.Join(t.TempDir(), CheckpointFile)
		if err := os.WriteFile(p, fzSeal(b), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, _, err := ReadCheckpoint(p); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.header, err, tc.want)
		}
	}
}
