package datasets

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// IDX magic numbers (LeCun's format: two zero bytes, a type byte 0x08 = unsigned byte, and the
// number of dimensions).
const (
	idxImagesMagic = 0x00000803
	idxLabelsMagic = 0x00000801
)

// openMaybeGzip reads a whole file, gunzipping it when it starts with the gzip magic bytes, so
// both "train-images-idx3-ubyte" and "train-images-idx3-ubyte.gz" work.
func openMaybeGzip(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<20)
	head, _ := br.Peek(2)
	var r io.Reader = br
	if bytes.Equal(head, []byte{0x1f, 0x8b}) {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("datasets: %s: bad gzip header: %w", path, err)
		}
		defer gz.Close()
		r = gz
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("datasets: %s: read: %w", path, err)
	}
	return b, nil
}

// ReadIDXImages reads an IDX3 unsigned-byte image file (optionally gzipped) and returns the raw
// pixels, n*rows*cols bytes in row-major order.
func ReadIDXImages(path string) (pix []byte, n, rows, cols int, err error) {
	b, err := openMaybeGzip(path)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	if len(b) < 16 {
		return nil, 0, 0, 0, fmt.Errorf("datasets: %s: truncated IDX header (%d bytes, want 16)", path, len(b))
	}
	if m := binary.BigEndian.Uint32(b); m != idxImagesMagic {
		return nil, 0, 0, 0, fmt.Errorf("datasets: %s: wrong magic number %#08x for IDX images (want %#08x)", path, m, idxImagesMagic)
	}
	n = int(binary.BigEndian.Uint32(b[4:]))
	rows = int(binary.BigEndian.Uint32(b[8:]))
	cols = int(binary.BigEndian.Uint32(b[12:]))
	if rows <= 0 || cols <= 0 || rows > 1<<14 || cols > 1<<14 {
		return nil, 0, 0, 0, fmt.Errorf("datasets: %s: implausible image size %dx%d", path, rows, cols)
	}
	want := int64(n) * int64(rows) * int64(cols)
	if got := int64(len(b) - 16); got != want {
		return nil, 0, 0, 0, fmt.Errorf("datasets: %s: truncated or oversized IDX images: %d pixel bytes, header says %d×%d×%d = %d", path, got, n, rows, cols, want)
	}
	return b[16:], n, rows, cols, nil
}

// ReadIDXLabels reads an IDX1 unsigned-byte label file (optionally gzipped).
func ReadIDXLabels(path string) ([]byte, error) {
	b, err := openMaybeGzip(path)
	if err != nil {
		return nil, err
	}
	if len(b) < 8 {
		return nil, fmt.Errorf("datasets: %s: truncated IDX header (%d bytes, want 8)", path, len(b))
	}
	if m := binary.BigEndian.Uint32(b); m != idxLabelsMagic {
		return nil, fmt.Errorf("datasets: %s: wrong magic number %#08x for IDX labels (want %#08x)", path, m, idxLabelsMagic)
	}
	n := int(binary.BigEndian.Uint32(b[4:]))
	if len(b)-8 != n {
		return nil, fmt.Errorf("datasets: %s: truncated or oversized IDX labels: %d bytes, header says %d", path, len(b)-8, n)
	}
	return b[8:], nil
}

// LoadIDX reads an IDX image file and its label file into a one-channel Dataset with pixels in
// [0, 1]. Labels must lie in [0, numClasses).
func LoadIDX(name, imagesPath, labelsPath string, numClasses int) (*Dataset, error) {
	pix, n, rows, cols, err := ReadIDXImages(imagesPath)
	if err != nil {
		return nil, err
	}
	lab, err := ReadIDXLabels(labelsPath)
	if err != nil {
		return nil, err
	}
	if len(lab) != n {
		return nil, fmt.Errorf("datasets: %s has %d labels but %s has %d images", labelsPath, len(lab), imagesPath, n)
	}
	ds := &Dataset{Name: name, N: n, H: rows, W: cols, C: 1, X: bytesToUnit(pix), Labels: make([]int, n)}
	for i, l := range lab {
		if int(l) >= numClasses {
			return nil, fmt.Errorf("datasets: %s: label %d of record %d out of range [0,%d)", labelsPath, l, i, numClasses)
		}
		ds.Labels[i] = int(l)
	}
	return ds, nil
}

// bytesToUnit maps raw bytes to the package's pixel scale b/255 ∈ [0, 1].
func bytesToUnit(b []byte) []float32 {
	out := make([]float32, len(b))
	for i, v := range b {
		out[i] = float32(v) / 255
	}
	return out
}
