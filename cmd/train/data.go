package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/diffregimes/diffregimes/pkg/datasets"
	"github.com/diffregimes/diffregimes/pkg/ddpm"
)

// loadData returns the training set of the run, its held-out set (nil when s.heldOut is 0 or
// the training set is a cache file) and the training set's spec. dir is -data: "" for the
// pkg/datasets roots, or a data root directory read directly (no environment variable).
func loadData(dir string, cached *datasets.Dataset, s settings) (ds, held *datasets.Dataset, spec ddpm.DataSpec, err error) {
	if cached != nil {
		name, _, _ := strings.Cut(cached.Name, "[")
		return cached, nil, ddpm.DataSpec{Dataset: "cache:" + name, N: cached.N, H: cached.H, W: cached.W, C: cached.C}, nil
	}
	seed := s.tc.Seed
	if dir == "" {
		spec := datasets.Spec{Name: s.dataset, Classes: s.classes, N: s.n, Seed: seed}
		if ds, err = datasets.Load(spec); err != nil {
			return nil, nil, ddpm.DataSpec{}, err
		}
		if s.heldOut > 0 {
			hs := datasets.Spec{Name: s.dataset, Classes: s.classes, N: s.heldOut, Seed: seed, Split: datasets.Test, Raw: true}
			if held, err = datasets.Load(hs); err != nil {
				return nil, nil, ddpm.DataSpec{}, fmt.Errorf("held-out set: %w", err)
			}
		}
	} else {
		if ds, err = loadRoot(dir, s.dataset, datasets.Train, s.classes, s.n, seed); err != nil {
			return nil, nil, ddpm.DataSpec{}, err
		}
		ds.CenterInPlace()
		if s.heldOut > 0 {
			if held, err = loadRoot(dir, s.dataset, datasets.Test, s.classes, s.heldOut, seed); err != nil {
				return nil, nil, ddpm.DataSpec{}, fmt.Errorf("held-out set: %w", err)
			}
		}
	}
	if held != nil {
		// Centre the held-out images with the training mean, as the training images are.
		if len(ds.Mean) != ds.C || held.C != ds.C {
			return nil, nil, ddpm.DataSpec{}, fmt.Errorf("held-out set: the training set has no per-channel mean to centre it with")
		}
		held = held.Clone()
		for p := range held.X {
			held.X[p] -= ds.Mean[p%held.C]
		}
	}
	spec = ddpm.DataSpec{Dataset: s.dataset, Classes: s.classes, N: ds.N, Seed: seed, H: ds.H, W: ds.W, C: ds.C}
	return ds, held, spec, nil
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
