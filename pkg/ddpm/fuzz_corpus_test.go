package ddpm

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteFuzzCorpus (re)writes the committed seed corpus of FuzzReadCheckpoint, with the
// crafted headers that panicked or were accepted before ReadCheckpoint checked them:
// DIFFREGIMES_WRITE_FUZZ_CORPUS=1 go test -run TestWriteFuzzCorpus.
func TestWriteFuzzCorpus(t *testing.T) {
	if os.Getenv("DIFFREGIMES_WRITE_FUZZ_CORPUS") == "" {
		t.Skip("set DIFFREGIMES_WRITE_FUZZ_CORPUS=1 to rewrite testdata/fuzz")
	}
	good := fzCheckpoint(t)
	seeds := map[string][]any{
		"seed-valid":       {good, false},
		"seed-body-sealed": {good[:len(good)-len(checkpointTrailer)-4], true},
	}
	for name, header := range map[string]string{
		"regression-negative-dims": `{"vars":[{"path":"w","dtype":"Float32","dims":[-1],"bytes":-4}]}`,
		"regression-overflow-dims": `{"vars":[{"path":"w","dtype":"Float32","dims":[4611686018427387904,4],"bytes":0}]}`,
		"regression-invalid-dtype": `{"vars":[{"path":"w","dtype":"InvalidDType","dims":[1],"bytes":4}]}`,
		"regression-repeated-path": `{"vars":[{"path":"w","dtype":"Float32","dims":[0],"bytes":0},{"path":"w","dtype":"Float32","dims":[0],"bytes":0}]}`,
	} {
		b := append([]byte(checkpointMagic), make([]byte, 12)...)
		binary.LittleEndian.PutUint32(b[len(checkpointMagic):], checkpointVersion)
		binary.LittleEndian.PutUint64(b[len(checkpointMagic)+4:], uint64(len(header)))
		seeds[name] = []any{append(append(b, header...), 1, 2, 3, 4), true}
	}
	for name, vals := range seeds {
		var b bytes.Buffer
		b.WriteString("go test fuzz v1\n")
		fmt.Fprintf(&b, "[]byte(%q)\nbool(%v)\n", vals[0], vals[1])
		p := filepath.Join("testdata", "fuzz", "FuzzReadCheckpoint", name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
