package datasets

import (
	"fmt"
	"os"
	"path/filepath"
)

// cifar10Classes names the ten CIFAR-10 labels (ClassNames(CIFAR10Name) returns a copy).
var cifar10Classes = []string{"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"}

var cifarTrainFiles = []string{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"}

func init() {
	Register(Source{Name: CIFAR10Name, Classes: cifar10Classes, Dir: "cifar-10-batches-bin",
		Probes: append(append([]string(nil), cifarTrainFiles...), "test_batch.bin"),
		HowTo:  "unpack cifar-10-binary.tar.gz into <root>/ (creates cifar-10-batches-bin/data_batch_1.bin ...)",
		Read: func(dir string, s Spec) (*Dataset, []int, error) {
			cl, err := classIndices(cifar10Classes, s)
			if err != nil {
				return nil, nil, err
			}
			ds, err := readCIFARDir(dir, s.Split)
			return ds, cl, err
		}})
}

// cifarRecord is one CIFAR-10 binary record: a label byte, then the 1024 red, 1024 green and
// 1024 blue bytes of a 32×32 image (planes, row-major).
const cifarRecord = 1 + 3*32*32

// ReadCIFAR10Batch reads one CIFAR-10 binary batch file (data_batch_k.bin, test_batch.bin)
// into a Dataset of 32×32×3 images in HWC order, pixels in [0, 1].
func ReadCIFAR10Batch(path string) (*Dataset, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	if len(b) == 0 || len(b)%cifarRecord != 0 {
		return nil, fmt.Errorf("datasets: %s: truncated CIFAR-10 batch: %d bytes is not a multiple of the %d-byte record", path, len(b), cifarRecord)
	}
	n := len(b) / cifarRecord
	ds := &Dataset{Name: filepath.Base(path), N: n, H: 32, W: 32, C: 3, X: make([]float32, n*3072), Labels: make([]int, n),
		ClassNames: append([]string(nil), cifar10Classes...)}
	for i := 0; i < n; i++ {
		rec := b[i*cifarRecord : (i+1)*cifarRecord]
		if rec[0] >= 10 {
			return nil, fmt.Errorf("datasets: %s: label %d of record %d out of range [0,10)", path, rec[0], i)
		}
		ds.Labels[i] = int(rec[0])
		planesToHWC(ds.Row(i), rec[1:], 32*32, 3)
	}
	return ds, nil
}

// planesToHWC converts channel planes (CHW bytes) into HWC pixels in [0, 1].
func planesToHWC(dst []float32, src []byte, hw, c int) {
	for ch := 0; ch < c; ch++ {
		plane := src[ch*hw : (ch+1)*hw]
		for p, v := range plane {
			dst[p*c+ch] = float32(v) / 255
		}
	}
}

// CIFAR10 loads the training (data_batch_1..5.bin) or test (test_batch.bin) split from the
// directory "cifar-10-batches-bin" (the unpacked cifar-10-binary.tar.gz) under Roots().
func CIFAR10(split Split) (*Dataset, error) {
	src, err := Lookup(CIFAR10Name)
	if err != nil {
		return nil, err
	}
	dir, err := src.Locate("")
	if err != nil {
		return nil, err
	}
	return readCIFARDir(dir, split)
}

// readCIFARDir reads the batches of a split from dir.
func readCIFARDir(dir string, split Split) (*Dataset, error) {
	files := cifarTrainFiles
	if split == Test {
		files = []string{"test_batch.bin"}
	}
	var parts []*Dataset
	for _, f := range files {
		p, err := ReadCIFAR10Batch(filepath.Join(dir, f))
		if err != nil {
			return nil, err
		}
		parts = append(parts, p)
	}
	ds, err := Concat(parts...)
	if err != nil {
		return nil, err
	}
	ds.Name = "cifar10-" + split.String()
	return ds, nil
}

// Concat joins datasets of the same image shape, keeping the first one's class names.
func Concat(parts ...*Dataset) (*Dataset, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("datasets: Concat: nothing to join")
	}
	f := parts[0]
	out := &Dataset{Name: f.Name, H: f.H, W: f.W, C: f.C, ClassNames: f.ClassNames}
	for _, p := range parts {
		if p.H != f.H || p.W != f.W || p.C != f.C || (p.Mean == nil) != (f.Mean == nil) {
			return nil, fmt.Errorf("datasets: Concat: %s is %dx%dx%d, %s is %dx%dx%d (or centring differs)", p.Name, p.H, p.W, p.C, f.Name, f.H, f.W, f.C)
		}
		out.N += p.N
		out.X = append(out.X, p.X...)
		out.Labels = append(out.Labels, p.Labels...)
	}
	return out, nil
}
