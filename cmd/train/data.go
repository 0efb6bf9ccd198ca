package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/diffregimes/diffregimes/pkg/datasets"
	"github.com/diffregimes/diffregimes/pkg/ddpm"
)

// loadData returns the training set of the run (carrying its spec) and its held-out set (nil
// when s.heldOut is 0 or the training set is a cache file). dir is -data: "" for the
// pkg/datasets roots (ddpm.LoadTrainingSet), or a data root directory read directly (no
// environment variable).
func loadData(dir string, cached *datasets.Dataset, s settings) (train, held *ddpm.Data, err error) {
	if cached != nil {
		name, _, _ := strings.Cut(cached.Name, "[")
		if train, err = ddpm.NewData(cached.X, cached.N, cached.H, cached.W, cached.C); err != nil {
			return nil, nil, err
		}
		train.Spec = ddpm.DataSpec{Dataset: "cache:" + name, N: cached.N, H: cached.H, W: cached.W, C: cached.C}
		return train, nil, nil
	}
	spec := ddpm.DataSpec{Dataset: s.dataset, Classes: s.classes, N: s.n, Seed: s.tc.Seed}
	if dir == "" {
		return ddpm.LoadTrainingSet(spec, s.heldOut)
	}
	ds, err := loadRoot(dir, s.dataset, datasets.Train, s.classes, s.n, spec.Seed)
	if err != nil {
		return nil, nil, err
	}
	ds.CenterInPlace()
	if train, err = ddpm.NewData(ds.X, ds.N, ds.H, ds.W, ds.C); err != nil {
		return nil, nil, err
	}
	spec.N, spec.H, spec.W, spec.C = ds.N, ds.H, ds.W, ds.C
	train.Spec = spec
	if s.heldOut > 0 {
		raw, err := loadRoot(dir, s.dataset, datasets.Test, s.classes, s.heldOut, spec.Seed)
		if err != nil {
			return nil, nil, fmt.Errorf("held-out set: %w", err)
		}
		if held, err = ddpm.HeldOutSet(raw, ds.Mean); err != nil {
			return nil, nil, err
		}
	}
	return train, held, nil
}

// loadRoot reads an IDX dataset (fashion-mnist or mnist) from root/<name>/, selects n images
// balanced over classes and pads them to 32×32, as pkg/datasets does for its own roots.
func loadRoot(root, name string, split datasets.Split, classes []string, n int, seed uint64) (*datasets.Dataset, error) {
	var names []string
	switch name {
	case datasets.FashionMNISTName:
		names = datasets.FashionMNISTClasses
	case datasets.MNISTName:
		names = datasets.MNISTClasses
	default:
		return nil, fmt.Errorf("-data %s: a data root directory is read for fashion-mnist and mnist only, not %q "+
			"(leave -data empty to use the pkg/datasets roots)", root, name)
	}
	prefix := "train"
	if split == datasets.Test {
		prefix = "t10k"
	}
	dir := filepath.Join(root, name)
	find := func(base string) (string, error) {
		for _, p := range []string{base + ".gz", base} {
			if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
				return filepath.Join(dir, p), nil
			}
		}
		return "", fmt.Errorf("-data %s: no %s dataset there (looked for %s[.gz])", root, name, filepath.Join(dir, base))
	}
	ip, err := find(prefix + "-images-idx3-ubyte")
	if err != nil {
		return nil, err
	}
	lp, err := find(prefix + "-labels-idx1-ubyte")
	if err != nil {
		return nil, err
	}
	all, err := datasets.LoadIDX(fmt.Sprintf("%s-%s", name, split), ip, lp, len(names))
	if err != nil {
		return nil, err
	}
	all.ClassNames = names
	var idx []int
	for _, c := range classes {
		k, err := datasets.ClassIndex(names, c)
		if err != nil {
			return nil, err
		}
		idx = append(idx, k)
	}
	ds, err := all.Select(idx, n, seed)
	if err != nil {
		return nil, err
	}
	if ds.H == 28 && ds.W == 28 {
		return ds.Pad(32)
	}
	return ds, nil
}
