package realdata

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomlx/compute"

	"github.com/diffregimes/diffregimes/pkg/datasets"
	"github.com/diffregimes/diffregimes/pkg/ddpm"
)

// DDPMEnv names the directory that holds trained DDPM checkpoints for route (b), one
// subdirectory per dataset and training-set size: $DIFFREGIMES_DDPM/<dataset>-n<N>, e.g.
// fashion-mnist-train-n200 (where cmd/train writes by default, and notebook 20_train_unet).
const DDPMEnv = "DIFFREGIMES_DDPM"

// ddpmRoots are the directories searched for route (b) checkpoints, in order.
func ddpmRoots() []string {
	var roots []string
	if r := os.Getenv(DDPMEnv); r != "" {
		roots = append(roots, r)
	}
	return append(roots, filepath.Join(datasets.CacheDir(), "ddpm"))
}

// DDPMDir is where a DDPM trained on n images of dataset is written for route (b) to find
// it: $DIFFREGIMES_DDPM/<dataset>-n<n> if that variable is set, else
// <datasets.CacheDir()>/ddpm/<dataset>-n<n> (notebook 20_train_unet writes there).
func DDPMDir(dataset string, n int) string {
	return filepath.Join(ddpmRoots()[0], fmt.Sprintf("%s-n%d", dataset, n))
}

// DDPMDirFor is DDPMDir for the training set ds: where a DDPM trained on it is written for
// MaybeDDPM to find (its dataset name is the part of ds.Name before "[").
func DDPMDirFor(ds *datasets.Dataset) string { return DDPMDir(datasetName(ds), ds.N) }

func datasetName(ds *datasets.Dataset) string {
	name, _, _ := strings.Cut(ds.Name, "[")
	return name
}

// FindDDPM returns the checkpoint directory of a DDPM trained on n images of dataset (a
// datasets name such as "fashion-mnist"): $DIFFREGIMES_DDPM/<dataset>-n<n> if that variable is
// set and holds one, else <datasets.CacheDir()>/ddpm/<dataset>-n<n>; ok is false when there is
// none.
func FindDDPM(dataset string, n int) (dir string, ok bool) {
	for _, r := range ddpmRoots() {
		d := filepath.Join(r, fmt.Sprintf("%s-n%d", dataset, n))
		if _, err := os.Stat(filepath.Join(d, ddpm.CheckpointFile)); err == nil {
			return d, true
		}
	}
	return "", false
}

// NewDDPM returns route (b) for the training set ds: the trained U-Net denoiser read from the
// checkpoint at path (a directory or file written by ddpm.Trainer / cmd/train) used as the
// score F = -ε_θ/sqrt(1 - ᾱ) at t of eq. (59). The model must have been trained on ds (same
// images, same centring); Λ and t_S are those of ds.
func NewDDPM(b compute.Backend, name string, ds *datasets.Dataset, path string) (*Experiment, error) {
	if ds == nil {
		return nil, fmt.Errorf("realdata: NewDDPM: dataset is nil")
	}
	m, store, sched, err := ddpm.LoadModel(path, ds.C)
	if err != nil {
		return nil, fmt.Errorf("realdata: NewDDPM: %w", err)
	}
	s, err := ddpm.NewScore(m, store, sched)
	if err != nil {
		return nil, fmt.Errorf("realdata: NewDDPM: %w", err)
	}
	return New(b, name, RouteDDPM, ds, s)
}

// MaybeDDPM is NewDDPM with the checkpoint FindDDPM finds for ds (its dataset name, the part
// of ds.Name before "[", and ds.N); it returns (nil, nil) when there is none, so notebooks
// show route (b) only where a trained model exists.
func MaybeDDPM(b compute.Backend, name string, ds *datasets.Dataset) (*Experiment, error) {
	if ds == nil {
		return nil, fmt.Errorf("realdata: MaybeDDPM: dataset is nil")
	}
	dir, ok := FindDDPM(datasetName(ds), ds.N)
	if !ok {
		return nil, nil
	}
	return NewDDPM(b, name, ds, dir)
}

// Routes returns the experiments on ds: route (a), the exact empirical score, always, and
// route (b), the trained DDPM, when MaybeDDPM finds a checkpoint for it.
func Routes(b compute.Backend, name string, ds *datasets.Dataset) ([]*Experiment, error) {
	e, err := NewEmpirical(b, name, ds)
	if err != nil {
		return nil, err
	}
	exps := []*Experiment{e}
	eb, err := MaybeDDPM(b, name, ds)
	if err != nil {
		return nil, err
	}
	if eb != nil {
		exps = append(exps, eb)
	}
	return exps, nil
}
