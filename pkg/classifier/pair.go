package classifier

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/diffregimes/diffregimes/pkg/datasets"
	"github.com/gomlx/compute"
)

// PairOptions says how TrainPair builds and trains a classifier for a two-class spec.
type PairOptions struct {
	// Spec is the training set (classes, N, seed); its test split is the held-out set.
	Spec datasets.Spec
	// Config is the architecture; zero value means DefaultConfig for the data's shape.
	Config Config
	// Train configures the optimisation.
	Train TrainOptions
	// TestN caps the number of test images (0: the whole balanced test split).
	TestN int
}

// DefaultPairOptions is the classifier of this project's default pair (Fashion-MNIST trouser
// vs bag), trained on n images for the given number of steps.
func DefaultPairOptions(n, steps int) PairOptions {
	s := datasets.DefaultSpec()
	s.N = n
	return PairOptions{Spec: s, Train: DefaultTrainOptions(steps)}
}

// archVersion names the network's layers in the cache key: "unetconv" since the classifier
// builds on unet's convolutions and parameters (older caches hold im2col weights of another
// shape and are not reused).
const archVersion = "unetconv"

// Key names the classifier PairOptions produce, for caching.
func (o PairOptions) Key() string {
	c := o.Config
	return strings.NewReplacer("/", "_", " ", "_").Replace(fmt.Sprintf("%s-%s-b%d-s%d-k%d-seed%d-steps%d-bs%d-lr%g-test%d",
		o.Spec.Key(), archVersion, c.Base, c.Stages, c.Blocks, c.Seed, o.Train.Steps, o.Train.BatchSize, o.Train.LearningRate, o.TestN))
}

// TrainPair loads o.Spec's training images (centred, as the diffusion runs see them), trains a
// classifier on them and measures its accuracy on the test split, centred with the training
// mean. The accuracy is in the result's TestAccuracy.
func TrainPair(b compute.Backend, o PairOptions) (*Classifier, error) {
	tr, err := datasets.Load(o.Spec)
	if err != nil {
		return nil, fmt.Errorf("classifier: TrainPair: training set: %w", err)
	}
	ts := o.Spec
	ts.Split, ts.Raw, ts.N = datasets.Test, true, o.TestN
	te, err := datasets.Load(ts)
	if err != nil {
		return nil, fmt.Errorf("classifier: TrainPair: test set: %w", err)
	}
	if tr.H != te.H || tr.W != te.W || tr.C != te.C {
		return nil, fmt.Errorf("classifier: TrainPair: train images %dx%dx%d but test images %dx%dx%d", tr.H, tr.W, tr.C, te.H, te.W, te.C)
	}
	if tr.Mean != nil {
		for p := range te.X {
			te.X[p] -= tr.Mean[p%te.C]
		}
	}
	cfg := o.Config
	if cfg == (Config{}) {
		cfg = DefaultConfig(tr.H, tr.W, tr.C, len(o.Spec.Classes))
	}
	c, err := New(b, cfg)
	if err != nil {
		return nil, err
	}
	c.ClassNames, c.Mean = tr.ClassNames, tr.Mean
	if _, err := c.Train(tr.X, tr.Labels, o.Train); err != nil {
		return nil, err
	}
	if _, err := c.Evaluate(te.X, te.Labels); err != nil {
		return nil, err
	}
	return c, nil
}

// CacheDir is where Cached keeps trained classifiers: <datasets.CacheDir()>/classifier.
func CacheDir() string { return filepath.Join(datasets.CacheDir(), "classifier") }

// Cached returns the classifier of o from CacheDir() if a checkpoint is there, else trains
// it with TrainPair and saves it there (atomically), so notebooks train it once.
func Cached(b compute.Backend, o PairOptions) (*Classifier, error) { return CachedIn(b, CacheDir(), o) }

// CachedIn is Cached with the checkpoints kept under root (root/<o.Key()>).
func CachedIn(b compute.Backend, root string, o PairOptions) (*Classifier, error) {
	dir := filepath.Join(root, o.Key())
	if _, err := os.Stat(filepath.Join(dir, metaFile)); err == nil {
		if c, err := Load(b, dir); err == nil {
			return c, nil
		}
		// An unreadable checkpoint is retrained and replaced.
	}
	c, err := TrainPair(b, o)
	if err != nil {
		return nil, err
	}
	if err := c.Save(dir); err != nil {
		// A concurrent process (e.g. another notebook) may have saved the same deterministic
		// classifier first: that checkpoint serves as well.
		if _, lerr := Load(b, dir); lerr != nil {
			return nil, err
		}
	}
	return c, nil
}
