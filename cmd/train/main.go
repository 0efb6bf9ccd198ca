// Command train trains the U-Net DDPM denoiser of SI D.2 (pkg/ddpm) outside Jupyter, for long
// GPU runs, writing the same checkpoints the notebooks read. Re-running it with the same -out
// resumes exactly where the last checkpoint left off.
//
// Usage:
//
//	go run ./cmd/train -config paper -data /path/to/data-root -dataset fashion-mnist -classes 1,8 \
//	    -n 10000 -steps 350000 -batch 128 -every 1000 -out runs/fmnist-paper
//
// -data is either a data root directory (holding e.g. fashion-mnist/ IDX files, see
// pkg/datasets) or a dataset cache file written by pkg/datasets. On a GPU build with
// `-tags xla` and set the PJRT variables (see README); -conv native uses cuDNN convolutions.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/datasets"
	"github.com/diffregimes/diffregimes/pkg/ddpm"
	"github.com/diffregimes/diffregimes/pkg/realdata"
	"github.com/diffregimes/diffregimes/pkg/unet"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	config := fs.String("config", "small", "model configuration: tiny, small or paper")
	base := fs.Int("base", 0, "override the base channel width (0 keeps the configuration's)")
	data := fs.String("data", "", "data root directory or pkg/datasets cache file (required)")
	name := fs.String("dataset", datasets.FashionMNISTName, "dataset name when -data is a directory")
	classes := fs.String("classes", "1,8", "comma-separated classes when -data is a directory")
	n := fs.Int("n", 10000, "number of training images (balanced over the classes)")
	out := fs.String("out", "", "checkpoint directory; an existing checkpoint is resumed (default: where the real-data\nnotebooks look for route (b), <cache>/ddpm/<realdata.TrainingSet.DirName>)")
	steps := fs.Int("steps", 1000, "total training steps")
	batch := fs.Int("batch", 128, "batch size (paper: 128)")
	lr := fs.Float64("lr", 1e-4, "Adam learning rate (paper: 1e-4)")
	every := fs.Int("every", 500, "checkpoint every so many steps")
	seed := fs.Uint64("seed", 1, "seed of data order, noise and initialisation")
	conv := fs.String("conv", "auto", "convolution: auto (grid on CPU, native on XLA), grid, native or im2col")
	L := fs.Int("L", 1000, "number of diffusion steps (1000 = the paper's schedule; fewer = ddpm.ScaledSchedule)")
	quiet := fs.Bool("quiet", false, "no progress bar; print one line per checkpoint")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *data == "" {
		return errors.New("-data is required")
	}
	spec := datasets.Spec{Name: *name, Classes: strings.Split(*classes, ","), N: *n, Seed: *seed}
	ds, err := loadData(*data, spec)
	if err != nil {
		return err
	}
	if st, err := os.Stat(*data); err == nil && !st.IsDir() {
		spec.N = 0 // a cache file: its n; the digest in the record identifies its images
	}
	set, err := realdata.TrainingSetOf(spec, ds)
	if err != nil {
		return err
	}
	if *out == "" {
		*out = realdata.DDPMDir(set)
	}
	// The record of the training set next to the checkpoint, by which route (b) finds the
	// model for exactly this set; a record of another set there is refused, naming both.
	if err := realdata.RecordTrainingSet(*out, set); err != nil {
		return err
	}
	var cfg unet.Config
	switch *config {
	case "tiny":
		cfg = unet.Tiny(ds.H, ds.C)
	case "small":
		cfg = unet.Small(ds.H, ds.C)
	case "paper":
		cfg = unet.Paper(ds.H, ds.C)
	default:
		return fmt.Errorf("-config %q: want tiny, small or paper", *config)
	}
	if *base > 0 {
		cfg = cfg.WithBase(*base)
	}
	cfg = cfg.WithSeed(int64(*seed))
	switch *conv {
	case "auto":
		cfg.Conv = unet.Auto
	case "grid":
		cfg.Conv = unet.Grid
	case "im2col":
		cfg.Conv = unet.Im2Col
	case "native":
		cfg.Conv = unet.Native
	default:
		return fmt.Errorf("-conv %q: want auto, grid, native or im2col", *conv)
	}
	d, err := ddpm.NewData(ds.X, ds.N, ds.H, ds.W, ds.C)
	if err != nil {
		return err
	}
	b, err := ddpm.Backend()
	if err != nil {
		return err
	}
	tc := ddpm.TrainConfig{Batch: *batch, LearningRate: *lr, Seed: *seed, CheckpointEvery: *every}
	sched, err := ddpm.ScaledSchedule(*L)
	if err != nil {
		return err
	}
	tr, err := ddpm.NewTrainer(b, cfg, tc, sched, d, *out)
	if err != nil {
		return err
	}
	tr.Model.Config.Conv = cfg.Conv // the implementation may differ from the checkpoint's
	fmt.Fprintf(os.Stderr, "backend %s\n%s: %d parameters; data %s [%d,%d,%d,%d]; resuming at step %d of %d\n",
		backend.Describe(b), tr.Model.Config, tr.Model.Config.NumParams(), ds.Name, ds.N, ds.H, ds.W, ds.C, tr.Step(), *steps)
	if *quiet {
		tr.Progress = func(r ddpm.Report) {
			if r.Checkpoint {
				fmt.Printf("checkpoint step %d loss %.5f %.2f steps/s\n", r.Step, r.Loss, r.StepsPerSec)
			}
		}
	} else {
		tr.Progress = ddpm.NewProgress(os.Stderr)
	}
	return tr.Train(*steps)
}

// loadData reads a pkg/datasets cache file, or loads a dataset from a data root directory.
func loadData(path string, spec datasets.Spec) (*datasets.Dataset, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("dataset %s: %w", path, err)
	}
	if !st.IsDir() {
		return datasets.ReadCache(path)
	}
	if err := os.Setenv("DIFFREGIMES_DATA", path); err != nil {
		return nil, err
	}
	return datasets.Load(spec)
}
