package datasets

import "fmt"

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

// FashionMNISTClasses names the ten Fashion-MNIST labels.
var FashionMNISTClasses = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

// MNISTClasses names the ten MNIST labels.
var MNISTClasses = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}

// FashionMNIST loads a split of Fashion-MNIST (28×28, one channel, pixels in [0, 1], uncentred)
// from the directory "fashion-mnist" under the first of Roots() that has it.
func FashionMNIST(split Split) (*Dataset, error) {
	return idxDataset("fashion-mnist", split, FashionMNISTClasses)
}

// MNIST loads a split of MNIST (28×28, one channel, pixels in [0, 1], uncentred) from the
// directory "mnist" under the first of Roots() that has it.
func MNIST(split Split) (*Dataset, error) { return idxDataset("mnist", split, MNISTClasses) }

// idxDataset finds the four standard IDX files, gzipped or not, in root/sub.
func idxDataset(sub string, split Split, classes []string) (*Dataset, error) {
	prefix := "train"
	if split == Test {
		prefix = "t10k"
	}
	img, lab := prefix+"-images-idx3-ubyte", prefix+"-labels-idx1-ubyte"
	dir, err := locate(sub, img+".gz", img)
	if err != nil {
		return nil, err
	}
	ip, err := firstExisting(dir, img+".gz", img)
	if err != nil {
		return nil, err
	}
	lp, err := firstExisting(dir, lab+".gz", lab)
	if err != nil {
		return nil, err
	}
	ds, err := LoadIDX(fmt.Sprintf("%s-%s", sub, split), ip, lp, len(classes))
	if err != nil {
		return nil, err
	}
	ds.ClassNames = append([]string(nil), classes...)
	return ds, nil
}
