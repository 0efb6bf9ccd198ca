package ddpm

import (
	"fmt"

	"github.com/diffregimes/diffregimes/pkg/datasets"
)

// LoadTrainingSet loads the training set of spec from the pkg/datasets roots (the selection
// of spec.N images balanced over spec.Classes with spec.Seed, padded, centred) and, when
// heldOut > 0, a held-out set of heldOut images of the same classes from the test split,
// centred with the training set's mean (so both are in the representation the model sees).
// The returned training Data carries spec. The image shape of spec, when set, must match.
func LoadTrainingSet(spec DataSpec, heldOut int) (train, held *Data, err error) {
	return LoadTrainingSetFrom("", spec, heldOut)
}

// LoadTrainingSetFrom is LoadTrainingSet reading the data under root only (datasets.Spec.Root:
// no fallback to the default roots); "" searches the pkg/datasets roots.
func LoadTrainingSetFrom(root string, spec DataSpec, heldOut int) (train, held *Data, err error) {
	ds, err := datasets.Load(datasets.Spec{Name: spec.Dataset, Classes: spec.Classes, N: spec.N, Seed: spec.Seed, Root: root})
	if err != nil {
		return nil, nil, fmt.Errorf("ddpm: training set %s: %w", spec, err)
	}
	got := spec
	got.H, got.W, got.C, got.N = ds.H, ds.W, ds.C, ds.N
	if (spec.H != 0 || spec.W != 0 || spec.C != 0) && !got.Equal(spec) {
		return nil, nil, fmt.Errorf("ddpm: training set %s loads as %s", spec, got)
	}
	if train, err = NewData(ds.X, ds.N, ds.H, ds.W, ds.C); err != nil {
		return nil, nil, err
	}
	train.Spec = got
	if heldOut > 0 {
		hs, err := datasets.Load(datasets.Spec{Name: spec.Dataset, Classes: spec.Classes, N: heldOut, Seed: spec.Seed,
			Split: datasets.Test, Raw: true, Root: root})
		if err != nil {
			return nil, nil, fmt.Errorf("ddpm: held-out set of %s: %w", spec, err)
		}
		if held, err = HeldOutSet(hs, ds.Mean); err != nil {
			return nil, nil, err
		}
	}
	return train, held, nil
}

// HeldOutSet returns the uncentred images of raw centred with mean (the training set's
// per-channel mean), as Data.
func HeldOutSet(raw *datasets.Dataset, mean []float32) (*Data, error) {
	if len(mean) != raw.C {
		return nil, fmt.Errorf("ddpm: held-out set: %d channel means for %d channels", len(mean), raw.C)
	}
	if raw.Mean != nil {
		return nil, fmt.Errorf("ddpm: held-out set %s is already centred", raw.Name)
	}
	x := make([]float32, len(raw.X))
	for p, v := range raw.X {
		x[p] = v - mean[p%raw.C]
	}
	return NewData(x, raw.N, raw.H, raw.W, raw.C)
}
