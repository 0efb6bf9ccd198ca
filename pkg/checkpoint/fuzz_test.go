package checkpoint

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the reader of untrusted checkpoint files: it must return
// a store or an error, never panic, and a store only for bytes that re-encode to themselves.
func FuzzDecode(f *testing.F) {
	path := filepath.Join(f.TempDir(), "seed.ckpt")
	if err := Write(path, "test", testMeta{"seed", 1}, testStoreF(f)); err != nil {
		f.Fatal(err)
	}
	good, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, raw []byte) {
		var m testMeta
		store, err := Decode(raw, "test", &m)
		if err != nil {
			return
		}
		out := filepath.Join(t.TempDir(), "again.ckpt")
		if err := Write(out, "test", m, store); err != nil {
			t.Fatalf("re-encoding a decoded file: %v", err)
		}
		if _, err := Read(out, "test", &m); err != nil {
			t.Fatalf("reading a re-encoded file: %v", err)
		}
	})
}
