package datasets

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Fault class: truncated and bit-flipped files, for every reader of untrusted bytes. No reader
// panics. Where the format has a checksum (the dataset cache: CRC-32; npz: zip's CRC-32 per
// member) every truncation and every single-bit flip is an error naming the file. Where it has
// none (IDX, CIFAR-10 binary), every truncation that breaks the record structure is an error, and
// a flip is either an error or yields a consistent dataset: a flipped pixel byte is
// indistinguishable from a real pixel, which is why these sources are cached with a checksum.

// corrupt runs read on the truncations and single-bit flips (one per byte, rotating the bit) of
// good at every stride-th position and at the 64 first and last, and returns how many it tried
// and how many of each were detected (read returned an error).
func corrupt(t *testing.T, name string, good []byte, stride int, read func(path string) (*Dataset, error)) (tried, truncs, flips int) {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	try := func(b []byte) bool {
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		ds, err := read(p)
		if err != nil {
			if !strings.Contains(err.Error(), p) {
				t.Fatalf("error %q does not name the file", err)
			}
			return true
		}
		if err := ds.Check(); err != nil {
			t.Fatalf("accepted an inconsistent dataset: %v", err)
		}
		return false
	}
	for i := range good {
		if i%stride != 0 && i >= 64 && i < len(good)-64 {
			continue
		}
		tried++
		if try(good[:i]) {
			truncs++
		}
		b := bytes.Clone(good)
		b[i] ^= 1 << (i % 8)
		if try(b) {
			flips++
		}
	}
	return tried, truncs, flips
}

func TestFaultCorruptCache(t *testing.T) {
	for _, good := range fzCacheSeeds(t) {
		n, tr, fl := corrupt(t, "c.drds", good, 1, ReadCache)
		if tr != n || fl != n || n != len(good) {
			t.Errorf("cache of %d bytes: %d truncations and %d bit flips of %d detected, want all", len(good), tr, fl, n)
		}
	}
}

func TestFaultCorruptNpz(t *testing.T) {
	data := make([]byte, 2*12)
	for i := range data {
		data[i] = byte(i * 5)
	}
	good := fzNpz(map[string][]byte{"data.npy": fzNpy("|u1", []int{2, 12}, data), "labels.npy": fzNpy("<i8", []int{2}, []int64{1, 1000})})
	read := func(p string) (*Dataset, error) { return ReadImageNetNpz(p, 2) }
	n, tr, fl := corrupt(t, "val_data.npz", good, 3, read)
	if tr != n {
		t.Errorf("npz of %d bytes: %d of %d truncations detected, want all", len(good), tr, n)
	}
	// A flip inside a zip member's name, extra field or an unused header byte can go unnoticed;
	// every flip of array bytes is caught by the member's CRC-32 (counted in the log).
	t.Logf("npz of %d bytes: %d of %d bit flips detected", len(good), fl, n)
}

func TestFaultCorruptIDX(t *testing.T) {
	img, lab := fzIDX(3, 4, 5)
	labPath := fzFile(t, t.TempDir(), "labels", lab)
	read := func(p string) (*Dataset, error) { return LoadIDX("fuzz", p, labPath, 10) }
	n, tr, fl := corrupt(t, "images", img, 1, read)
	if tr != n || n != len(img) {
		t.Errorf("IDX images of %d bytes: %d truncations detected, want all", len(img), tr)
	}
	if fl < 16 { // every flip of the 16 header bytes changes the magic or a size
		t.Errorf("IDX images: %d bit flips detected, want at least the 16 of the header", fl)
	}
	imgPath := fzFile(t, t.TempDir(), "images", img)
	n, tr, _ = corrupt(t, "labels", lab, 1, func(p string) (*Dataset, error) { return LoadIDX("fuzz", imgPath, p, 10) })
	if tr != n {
		t.Errorf("IDX labels of %d bytes: %d truncations detected, want all", len(lab), tr)
	}
}

func TestFaultCorruptCIFAR(t *testing.T) {
	good := fzCIFAR(2)
	// Stride 3073 tries the truncation to exactly one record, a well-formed batch; every other
	// truncation breaks the records.
	n, tr, _ := corrupt(t, "data_batch_1.bin", good, cifarRecord, ReadCIFAR10Batch)
	if tr != n-1 {
		t.Errorf("CIFAR batch of %d bytes: %d of %d truncations detected, want all but the one whole record", len(good), tr, n)
	}
}
