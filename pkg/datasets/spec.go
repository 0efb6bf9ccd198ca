package datasets

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Dataset names understood by Spec.
const (
	FashionMNISTName = "fashion-mnist"
	MNISTName        = "mnist"
	CIFAR10Name      = "cifar10"
	ImageNet16Name   = "imagenet16"
	ImageNet32Name   = "imagenet32"
	LSUNName         = "lsun"
)

// Spec describes a two-class (or k-class) training set built the paper's way (SI D.2):
// load, select N images balanced over Classes (seeded), zero-pad MNIST-like 28×28 images to
// 32×32, centre-crop and resize LSUN to 64×64, and centre each channel unless Raw.
type Spec struct {
	// Name is one of FashionMNISTName, MNISTName, CIFAR10Name, ImageNet16Name, ImageNet32Name,
	// LSUNName.
	Name string
	// Classes lists the classes by name ("Trouser", "horse", "church_outdoor", an ImageNet wnid
	// such as "n02509815") or by decimal label ("1"). Output label k means Classes[k].
	Classes []string
	// N is the total number of images, a multiple of len(Classes); 0 takes the largest balanced set.
	N int
	// Seed drives the random balanced selection.
	Seed uint64
	// Split picks the training (default) or test images.
	Split Split
	// Raw skips the per-channel centring: pixels stay in [0, 1].
	Raw bool
	// NoCache disables reading and writing the binary cache.
	NoCache bool
}

// DefaultSpec is the offline default of this project: Fashion-MNIST classes 1 (trouser) and
// 8 (bag), 10 000 training images, padded to 32×32 and centred.
func DefaultSpec() Spec {
	return Spec{Name: FashionMNISTName, Classes: []string{"1", "8"}, N: 10000, Seed: 1}
}

// FashionMNISTPair is Load(DefaultSpec()) with n images and the given seed: the quick entry
// point for notebooks. The result is [n, 32, 32, 1], centred, labels 0 = trouser, 1 = bag.
func FashionMNISTPair(n int, seed uint64) (*Dataset, error) {
	s := DefaultSpec()
	s.N, s.Seed = n, seed
	return Load(s)
}

// Key is the cache key of the spec.
func (s Spec) Key() string {
	return fmt.Sprintf("%s-%s-%s-n%d-seed%d-raw%t", s.Name, s.Split, strings.Join(s.Classes, "+"), s.N, s.Seed, s.Raw)
}

// Load builds the dataset described by s, reading it from the binary cache in CacheDir() when
// present and writing it there (atomically) after a fresh load, unless s.NoCache.
func Load(s Spec) (*Dataset, error) {
	var path string
	if !s.NoCache {
		path = filepath.Join(CacheDir(), cacheName(s.Key()))
		if ds, err := ReadCache(path); err == nil {
			return ds, nil
		} else if !os.IsNotExist(unwrapAll(err)) {
			// A corrupt cache is rebuilt, not trusted.
			os.Remove(path)
		}
	}
	ds, err := build(s)
	if err != nil {
		return nil, err
	}
	if path != "" {
		if err := ds.Save(path); err != nil {
			return nil, err
		}
	}
	return ds, nil
}

func unwrapAll(err error) error {
	for {
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		next := u.Unwrap()
		if next == nil {
			return err
		}
		err = next
	}
}

func build(s Spec) (*Dataset, error) {
	if len(s.Classes) == 0 {
		return nil, fmt.Errorf("datasets: spec %s: no classes", s.Name)
	}
	var (
		ds      *Dataset
		err     error
		classes []int
	)
	switch s.Name {
	case FashionMNISTName, MNISTName, CIFAR10Name:
		names := map[string][]string{FashionMNISTName: FashionMNISTClasses, MNISTName: MNISTClasses, CIFAR10Name: CIFAR10Classes}[s.Name]
		for _, c := range s.Classes {
			k, err := ClassIndex(names, c)
			if err != nil {
				return nil, fmt.Errorf("datasets: spec %s: %w", s.Name, err)
			}
			classes = append(classes, k)
		}
		switch s.Name {
		case FashionMNISTName:
			ds, err = FashionMNIST(s.Split)
		case MNISTName:
			ds, err = MNIST(s.Split)
		default:
			ds, err = CIFAR10(s.Split)
		}
	case ImageNet16Name, ImageNet32Name:
		if s.Split != Train {
			return nil, fmt.Errorf("datasets: spec %s: only the training batches are read", s.Name)
		}
		size := 16
		if s.Name == ImageNet32Name {
			size = 32
		}
		dir, lerr := locate(s.Name, "train_data_batch_1.npz")
		if lerr != nil {
			return nil, lerr
		}
		names, _ := ReadImageNetClassMap(filepath.Join(dir, "map_clsloc.txt"))
		for _, c := range s.Classes {
			k, err := imageNetClass(names, c)
			if err != nil {
				return nil, err
			}
			classes = append(classes, k)
		}
		ds, err = ImageNet(size, classes)
	case LSUNName:
		perClass := 0
		if s.N > 0 {
			perClass = s.N / len(s.Classes)
		}
		ds, err = LSUN(s.Classes, perClass)
		for k := range s.Classes {
			classes = append(classes, k)
		}
	default:
		return nil, fmt.Errorf("datasets: unknown dataset name %q", s.Name)
	}
	if err != nil {
		return nil, err
	}
	ds, err = ds.Select(classes, s.N, s.Seed)
	if err != nil {
		return nil, err
	}
	if ds.H == 28 && ds.W == 28 {
		if ds, err = ds.Pad(32); err != nil {
			return nil, err
		}
	}
	if !s.Raw {
		ds.CenterInPlace()
	}
	return ds, nil
}

// Table1Row is one row of the paper's Table 1 with the spec that rebuilds its data.
type Table1Row struct {
	// Label is the dataset's name in Table 1.
	Label string
	// Spec loads the data.
	Spec Spec
	// N and D are the paper's n and d (d counts all channels).
	N, D int
	// Lambda and TS are the paper's Λ and t_S; zero where the paper has no value.
	Lambda, TS float64
	// Dir is the directory under a root that holds the data, HowTo says how to provide it.
	Dir, HowTo string
}

// Table1 returns the paper's Table 1 (classes from SI D.2), plus the Fashion-MNIST row this
// project adds (no paper values). ImageNet classes are the wnids of "lesser panda" and
// "seashore"; resolving them needs map_clsloc.txt beside the batches.
func Table1() []Table1Row {
	return []Table1Row{
		{"Fashion-MNIST (this project)", DefaultSpec(), 10000, 1024, 0, 0, FashionMNISTName,
			"apt-get install dataset-fashion-mnist (IDX files in /usr/share/datasets/fashion-mnist)"},
		{"MNIST", Spec{Name: MNISTName, Classes: []string{"0", "7"}, N: 10000, Seed: 1}, 10000, 1024, 7.66, 1.02, MNISTName,
			"put train-images-idx3-ubyte[.gz] and train-labels-idx1-ubyte[.gz] in <root>/mnist/"},
		{"CIFAR", Spec{Name: CIFAR10Name, Classes: []string{"horse", "automobile"}, N: 3000, Seed: 1}, 3000, 3072, 16.72, 1.41, "cifar-10-batches-bin",
			"unpack cifar-10-binary.tar.gz into <root>/ (creates cifar-10-batches-bin/data_batch_1.bin ...)"},
		{"ImageNet16", Spec{Name: ImageNet16Name, Classes: []string{"n02509815", "n09428293"}, N: 2000, Seed: 1}, 2000, 768, 3.05, 0.56, ImageNet16Name,
			"unpack Imagenet16_train_npz.zip into <root>/imagenet16/ (train_data_batch_*.npz) with map_clsloc.txt"},
		{"ImageNet32", Spec{Name: ImageNet32Name, Classes: []string{"n02509815", "n09428293"}, N: 2000, Seed: 1}, 2000, 3072, 12.11, 1.25, ImageNet32Name,
			"unpack Imagenet32_train_npz.zip into <root>/imagenet32/ (train_data_batch_*.npz) with map_clsloc.txt"},
		{"LSUN", Spec{Name: LSUNName, Classes: []string{"church_outdoor", "conference_room"}, N: 40000, Seed: 1}, 40000, 12288, 60.52, 2.05, LSUNName,
			"export the LSUN lmdb of each category as JPEG files into <root>/lsun/church_outdoor/ and <root>/lsun/conference_room/"},
	}
}

// Available reports whether the row's data is found under Roots(), and the paths looked at.
func (r Table1Row) Available() (bool, []string) {
	var looked []string
	for _, root := range Roots() {
		p := filepath.Join(root, r.Dir)
		looked = append(looked, p)
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return true, []string{p}
		}
	}
	return false, looked
}
