package datasets

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"
)

// fzRegressions are inputs that crashed a reader before its fix; they are committed to the seed
// corpora in testdata/fuzz/ (written by TestWriteFuzzCorpus) and so run in every `go test`.
func fzRegressions() map[string][]any {
	// A cache whose header claims 2^32-1 channels with means, under a valid CRC: ReadCache
	// allocated 16 GB for the means before checking the length (out of memory).
	var c bytes.Buffer
	c.WriteString(cacheMagic)
	binary.Write(&c, binary.LittleEndian, uint32(cacheVersion))
	c.WriteByte(encU8)
	binary.Write(&c, binary.LittleEndian, []uint32{1, 1, 1, 0xffffffff, 0, 0})
	c.WriteByte(1)
	binary.Write(&c, binary.LittleEndian, crc32.ChecksumIEEE(c.Bytes()))
	return map[string][]any{
		// A .npy of 2^61 int64 values and no data: the size wrapped to 0 bytes and
		// readNpy called make([]int64, 2^61) (makeslice panic).
		"FuzzReadNpy/regression-shape-overflow": {fzNpy("<i8", []int{2305843009213693952}, []int64{})},
		"FuzzReadCache/regression-huge-means":   {c.Bytes(), false},
	}
}

// TestWriteFuzzCorpus (re)writes the committed seed corpora: DIFFREGIMES_WRITE_FUZZ_CORPUS=1 go test -run TestWriteFuzzCorpus.
func TestWriteFuzzCorpus(t *testing.T) {
	if os.Getenv("DIFFREGIMES_WRITE_FUZZ_CORPUS") == "" {
		t.Skip("set DIFFREGIMES_WRITE_FUZZ_CORPUS=1 to rewrite testdata/fuzz")
	}
	img, lab := fzIDX(2, 3, 3)
	seeds := map[string][]any{
		"FuzzLoadIDX/seed-plain":             {img, lab},
		"FuzzLoadIDX/seed-gzip":              {fzGzip(img), fzGzip(lab)},
		"FuzzReadCIFAR10Batch/seed-one":      {fzCIFAR(1)},
		"FuzzReadNpy/seed-u1":                {fzNpy("|u1", []int{2, 3}, []byte{1, 2, 3, 4, 5, 6})},
		"FuzzReadNpy/seed-i8":                {fzNpy("<i8", []int{2}, []int64{1, -2})},
		"FuzzReadImageNetNpz/seed-one-image": {fzNpz(map[string][]byte{"data.npy": fzNpy("|u1", []int{1, 12}, make([]byte, 12)), "labels.npy": fzNpy("|u1", []int{1}, []byte{3})})},
	}
	for i, s := range fzCacheSeeds(t) {
		seeds[fmt.Sprintf("FuzzReadCache/seed-%d", i)] = []any{s, false}
	}
	for k, v := range fzRegressions() {
		seeds[k] = v
	}
	for name, vals := range seeds {
		var b bytes.Buffer
		b.WriteString("go test fuzz v1\n")
		for _, v := range vals {
			switch x := v.(type) {
			case []byte:
				fmt.Fprintf(&b, "[]byte(%q)\n", x)
			case bool:
				fmt.Fprintf(&b, "bool(%v)\n", x)
			}
		}
		p := filepath.Join("testdata", "fuzz", name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
