package datasets

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// Fuzz targets for the readers of untrusted bytes (issue 15, item 3). `go test` runs them on
// their seeds (below and testdata/fuzz/<Name>/); `go test -fuzz=FuzzX -fuzztime=2m` explores.
// Every target checks that a reader never panics, and that what it accepts is self-consistent
// (Dataset.Check, labels and pixels in range).

// fzIDX returns valid IDX image and label files of n rows×cols images.
func fzIDX(n, rows, cols int) (img, lab []byte) {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, []uint32{idxImagesMagic, uint32(n), uint32(rows), uint32(cols)})
	for i := range n * rows * cols {
		b.WriteByte(byte(i * 13))
	}
	var l bytes.Buffer
	binary.Write(&l, binary.BigEndian, []uint32{idxLabelsMagic, uint32(n)})
	for i := range n {
		l.WriteByte(byte(i % 10))
	}
	return b.Bytes(), l.Bytes()
}

func fzGzip(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// fzFile writes b to dir/name (one folder per fuzz target and worker: a folder per input would
// cost more than the reader) and returns its path.
func fzFile(t *testing.T, dir, name string, b []byte) string {
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// checkAccepted fails unless an accepted dataset is consistent, its labels lie in [lo, hi) and
// its pixels are finite (in [0, 1] when unit).
func checkAccepted(t *testing.T, ds *Dataset, lo, hi int, unit bool) {
	t.Helper()
	if err := ds.Check(); err != nil {
		t.Fatalf("accepted an inconsistent dataset: %v", err)
	}
	for i, l := range ds.Labels {
		if l < lo || l >= hi {
			t.Fatalf("accepted label %d of record %d outside [%d, %d)", l, i, lo, hi)
		}
	}
	for i, v := range ds.X {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) || unit && (v < 0 || v > 1) {
			t.Fatalf("accepted pixel %d = %v", i, v)
		}
	}
}

func FuzzLoadIDX(f *testing.F) {
	img, lab := fzIDX(3, 4, 5)
	f.Add(img, lab)
	f.Add(fzGzip(img), fzGzip(lab))
	f.Add(img[:20], lab)
	f.Add([]byte{}, []byte{})
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, img, lab []byte) {
		ds, err := LoadIDX("fuzz", fzFile(t, dir, "images", img), fzFile(t, dir, "labels", lab), 10)
		if err != nil {
			return
		}
		checkAccepted(t, ds, 0, 10, true)
		if ds.C != 1 || ds.H > 1<<14 || ds.W > 1<<14 {
			t.Fatalf("accepted shape %dx%dx%d", ds.H, ds.W, ds.C)
		}
	})
}

func fzCIFAR(n int) []byte {
	var b []byte
	for i := range n {
		b = append(b, byte(i%10))
		for p := range 3 * 1024 {
			b = append(b, byte(p*7+i))
		}
	}
	return b
}

func FuzzReadCIFAR10Batch(f *testing.F) {
	good := fzCIFAR(2)
	f.Add(good)
	f.Add(good[:cifarRecord])
	f.Add(good[:cifarRecord+1])
	f.Add([]byte{10})
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		ds, err := ReadCIFAR10Batch(fzFile(t, dir, "data_batch_1.bin", b))
		if err != nil {
			return
		}
		checkAccepted(t, ds, 0, 10, true)
		if ds.N*cifarRecord != len(b) {
			t.Fatalf("accepted %d records from %d bytes", ds.N, len(b))
		}
	})
}

// fzNpy encodes a C-order array in .npy v1.
func fzNpy(descr string, shape []int, data any) []byte {
	sh := ""
	for _, s := range shape {
		sh += fmt.Sprintf("%d, ", s)
	}
	h := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }\n", descr, sh)
	var buf bytes.Buffer
	buf.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&buf, binary.LittleEndian, uint16(len(h)))
	buf.WriteString(h)
	binary.Write(&buf, binary.LittleEndian, data)
	return buf.Bytes()
}

func fzNpz(files map[string][]byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"data.npy", "labels.npy"} {
		if b, ok := files[name]; ok {
			w, _ := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate})
			w.Write(b)
		}
	}
	zw.Close()
	return buf.Bytes()
}

func FuzzReadNpy(f *testing.F) {
	f.Add(fzNpy("|u1", []int{2, 3}, []byte{1, 2, 3, 4, 5, 6}))
	f.Add(fzNpy("<i8", []int{2}, []int64{1, -2}))
	f.Add(fzNpy("<u2", []int{1, 1, 1}, []uint16{7}))
	f.Add(fzNpy("<i4", []int{0}, []int32{}))
	f.Add([]byte("\x93NUMPY\x02\x00\x10\x00\x00\x00{'descr': '<i4'}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := readNpy(bytes.NewReader(b), "fuzz.npy")
		if err != nil {
			return
		}
		size := 1
		for _, s := range a.shape {
			if s < 0 {
				t.Fatalf("accepted negative dimension in %v", a.shape)
			}
			size *= s
		}
		if n := len(a.u8) + len(a.ints); n != size {
			t.Fatalf("shape %v holds %d values, read %d", a.shape, size, n)
		}
	})
}

func FuzzReadImageNetNpz(f *testing.F) {
	const size = 2
	data := make([]byte, 2*3*size*size)
	for i := range data {
		data[i] = byte(i * 5)
	}
	f.Add(fzNpz(map[string][]byte{"data.npy": fzNpy("|u1", []int{2, 12}, data), "labels.npy": fzNpy("<i8", []int{2}, []int64{1, 1000})}))
	f.Add(fzNpz(map[string][]byte{"data.npy": fzNpy("|u1", []int{1, 12}, data[:12]), "labels.npy": fzNpy("|u1", []int{1}, []byte{3})}))
	f.Add(fzNpz(map[string][]byte{"data.npy": fzNpy("|u1", []int{2, 12}, data)}))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		ds, err := ReadImageNetNpz(fzFile(t, dir, "val_data.npz", b), size)
		if err != nil {
			return
		}
		checkAccepted(t, ds, 1, 1001, true)
	})
}

// fzCacheSeeds returns valid cache files: 8-bit pixels with and without means, and float32 pixels.
func fzCacheSeeds(t testing.TB) [][]byte {
	dir := t.TempDir()
	var out [][]byte
	for i, mod := range []func(*Dataset){
		func(*Dataset) {},
		func(ds *Dataset) { ds.CenterInPlace() },
		func(ds *Dataset) { ds.X[0] = 0.123456 },
	} {
		ds := &Dataset{Name: "seed", N: 3, H: 2, W: 2, C: 2, X: make([]float32, 24), Labels: []int{0, 1, 0}, ClassNames: []string{"a", "b"}}
		for j := range ds.X {
			ds.X[j] = float32(j*11%256) / 255
		}
		mod(ds)
		p := filepath.Join(dir, fmt.Sprintf("seed%d.drds", i))
		if err := ds.Save(p); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// fzWithCRC replaces the last 4 bytes of b by the IEEE CRC of the rest, so that the fuzzer
// reaches the parser behind the checksum (a crafted file, not random corruption).
func fzWithCRC(b []byte) []byte {
	if len(b) < 4 {
		return b
	}
	out := bytes.Clone(b)
	binary.LittleEndian.PutUint32(out[len(out)-4:], crc32.ChecksumIEEE(out[:len(out)-4]))
	return out
}

func FuzzReadCache(f *testing.F) {
	for _, s := range fzCacheSeeds(f) {
		f.Add(s, false)
		f.Add(s[:len(s)-5], true)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte, fixCRC bool) {
		if fixCRC {
			b = fzWithCRC(b)
		}
		p := fzFile(t, dir, "c.drds", b)
		ds, err := ReadCache(p)
		if err != nil {
			return
		}
		checkAccepted(t, ds, math.MinInt32, math.MaxInt32+1, false)
		// What was accepted round-trips.
		if err := ds.Save(p); err != nil {
			t.Fatalf("accepted dataset does not save: %v", err)
		}
		again, err := ReadCache(p)
		if err != nil || again.N != ds.N || len(again.X) != len(ds.X) {
			t.Fatalf("accepted dataset does not round-trip: %v", err)
		}
	})
}
