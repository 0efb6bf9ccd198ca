package main

import (
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
	return ddpm.LoadTrainingSetFrom(dir, spec, s.heldOut)
}
