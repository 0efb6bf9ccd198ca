// Command train trains the U-Net DDPM denoiser of SI D.2 (pkg/ddpm) outside Jupyter: the route
// (b) reference models (-preset NAME, `make models`) or any configuration given by flags. It
// writes the checkpoints the notebooks read; re-running it with the same -out resumes exactly
// where the last checkpoint left off. Run `go run ./cmd/train -h` for the flags.
//
// Guarantees: the checkpoint directory is locked by its writer (a second writer fails, naming
// the holder's PID; the lock of a dead process is taken over); a resume whose settings differ
// from the checkpoint's fails, listing the differences, unless -from-checkpoint; SIGINT and
// SIGTERM write a final checkpoint (atomically) before exiting; bad flags and an -out that
// cannot be a directory fail before any training; temporary files left by a killed run are
// removed.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/checkpoint"
	"github.com/diffregimes/diffregimes/pkg/datasets"
	"github.com/diffregimes/diffregimes/pkg/ddpm"
	"github.com/diffregimes/diffregimes/pkg/ou"
	"github.com/diffregimes/diffregimes/pkg/realdata"
	"github.com/diffregimes/diffregimes/pkg/unet"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "train:", err)
		os.Exit(1)
	}
}

const usageHead = `train: train the U-Net DDPM denoiser of SI D.2 (pkg/ddpm) and write its checkpoint.

Usage:
  train -preset NAME [-steps N] [-out DIR]          a route (b) reference model (make models)
  train [-config tiny|small|paper] [flags] -out DIR   any other run
  train -out DIR -from-checkpoint -steps N           continue a run with its own settings

Re-running with the same -out resumes from its checkpoint, bit for bit like an uninterrupted
run. The run's settings must equal the checkpoint's (the command lists the differences and
stops otherwise); -steps, -every, -eval-every, -quiet and -conv may change. SIGINT/SIGTERM
(Ctrl-C) write a checkpoint and stop. One process at a time may write a directory.

Without -data the data come from the dataset roots of pkg/datasets ($DIFFREGIMES_DATA,
~/.cache/diffregimes, /usr/share/datasets). The held-out set is -heldout images of the same
classes from the test split, centred with the training mean.

Presets (` + "`train -preset NAME`" + `: resumable checkpoint in $DIFFREGIMES_ROOT/out/models/NAME, and when
finished its EMA weights in $DIFFREGIMES_ROOT/models/NAME, the reference model):
`

// settings are what defines a run (and must match a checkpoint's to resume it).
type settings struct {
	preset  string
	cfg     unet.Config
	tc      ddpm.TrainConfig
	L       int
	dataset string
	classes []string
	n       int
	heldOut int
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	preset := fs.String("preset", "", "train the named reference preset (see the list above); fixes model, data and training flags")
	config := fs.String("config", "small", "model configuration: tiny, small or paper")
	base := fs.Int("base", 0, "base channel width (0 keeps the configuration's)")
	data := fs.String("data", "", "data root directory (holding e.g. fashion-mnist/ IDX files) or a pkg/datasets cache file;\n"+
		"empty: the pkg/datasets roots")
	name := fs.String("dataset", datasets.FashionMNISTName, "dataset name (fashion-mnist or mnist)")
	classes := fs.String("classes", "1,8", "comma-separated classes, by label or name")
	n := fs.Int("n", 10000, "number of training images (balanced over the classes)")
	heldOut := fs.Int("heldout", 256, "test images for the held-out loss (0: none)")
	out := fs.String("out", "", "checkpoint directory; an existing checkpoint is resumed (default: models/NAME for a preset,\n"+
		"else where the real-data notebooks look for route (b), <cache>/ddpm/<dataset>-n<N>)")
	steps := fs.Int("steps", 0, "total training steps, > 0 (default: the preset's, else 1000)")
	batch := fs.Int("batch", 128, "batch size (paper: 128)")
	lr := fs.Float64("lr", 1e-4, "Adam learning rate after the warm-up (paper: 1e-4)")
	warmup := fs.Int("warmup", 0, "learning-rate warm-up steps (linear from 0; 0: none)")
	clip := fs.Float64("clip", 0, "clip the gradient's global L2 norm to this value (0: no clipping)")
	ema := fs.Float64("ema", 0.999, "decay rate of the EMA of the weights, in [0, 1) (0: no averaging); sampling uses the EMA")
	every := fs.Int("every", 500, "checkpoint every so many steps (and at the end)")
	evalEvery := fs.Int("eval-every", 250, "evaluate the training and held-out denoising losses every so many steps (and at the end)")
	seed := fs.Uint64("seed", 1, "seed of data selection, data order, noise and initialisation")
	conv := fs.String("conv", "auto", "convolution: auto (grid on CPU, native on XLA), grid, native or im2col")
	L := fs.Int("L", 1000, "number of diffusion steps (1000 = the paper's schedule; fewer = ddpm.ScaledSchedule)")
	fromCkpt := fs.Bool("from-checkpoint", false, "on resume, take the model, data and training settings from the checkpoint\n"+
		"instead of failing when the flags differ")
	export := fs.String("export", "", "when the run reaches -steps, also write its EMA weights alone (ddpm.Export, not resumable) here\n"+
		"(default for a preset: $DIFFREGIMES_ROOT/models/NAME, the committed reference model)")
	list := fs.Bool("list", false, "print the preset names, one per line, and exit")
	quiet := fs.Bool("quiet", false, "no progress bar; print one line per checkpoint and evaluation")
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprint(w, usageHead)
		for _, p := range ddpm.Presets() {
			fmt.Fprintf(w, "  %-18s %s\n  %-18s %s, %d params; %s; batch %d, lr %g, warm-up %d, clip %g, EMA %g, L=%d, %d steps\n",
				p.Name, p.Purpose, "", p.Model, p.Model.NumParams(), p.Data, p.Train.Batch, p.Train.LearningRate,
				p.Train.WarmupSteps, p.Train.ClipNorm, p.Train.EMARate, p.L, p.Steps)
		}
		fmt.Fprintln(w, "\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q (all settings are flags; see -h)", fs.Args())
	}
	if *list {
		for _, p := range ddpm.PresetNames() {
			fmt.Fprintln(stdout, p)
		}
		return nil
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	// Validate every flag before touching the disk.
	switch {
	case set["steps"] && *steps <= 0:
		return fmt.Errorf("-steps %d: want a number of steps > 0", *steps)
	case *base < 0:
		return fmt.Errorf("-base %d: want a width > 0 (or 0 for the configuration's)", *base)
	case *n < 1:
		return fmt.Errorf("-n %d: want at least 1 training image", *n)
	case *heldOut < 0:
		return fmt.Errorf("-heldout %d: want >= 0", *heldOut)
	case *batch < 1:
		return fmt.Errorf("-batch %d: want >= 1", *batch)
	case !(*lr > 0) || math.IsInf(*lr, 0):
		return fmt.Errorf("-lr %g: want a finite learning rate > 0", *lr)
	case *warmup < 0:
		return fmt.Errorf("-warmup %d: want >= 0", *warmup)
	case !(*clip >= 0) || math.IsInf(*clip, 0):
		return fmt.Errorf("-clip %g: want a finite norm >= 0", *clip)
	case !(*ema >= 0 && *ema < 1):
		return fmt.Errorf("-ema %g: want a rate in [0, 1)", *ema)
	case *every < 0:
		return fmt.Errorf("-every %d: want >= 0", *every)
	case *evalEvery < 0:
		return fmt.Errorf("-eval-every %d: want >= 0", *evalEvery)
	case *L < 2:
		return fmt.Errorf("-L %d: want at least 2 diffusion steps", *L)
	}
	impl, err := convImpl(*conv)
	if err != nil {
		return err
	}
	var s settings
	total := *steps
	exportMin := 0 // the step from which -export is written
	if *preset != "" {
		p, err := ddpm.PresetByName(*preset)
		if err != nil {
			return err
		}
		var fixed []string
		for _, f := range []string{"config", "base", "dataset", "classes", "n", "heldout", "batch", "lr", "warmup", "clip", "ema", "seed", "L"} {
			if set[f] {
				fixed = append(fixed, "-"+f)
			}
		}
		if len(fixed) > 0 {
			return fmt.Errorf("-preset %s fixes %s: drop them, or train without -preset", p.Name, strings.Join(fixed, ", "))
		}
		s = settings{preset: p.Name, cfg: p.Model, tc: p.Train, L: p.L, dataset: p.Data.Dataset, classes: p.Data.Classes,
			n: p.Data.N, heldOut: p.HeldOut}
		if !set["every"] {
			*every = p.Train.CheckpointEvery
		}
		if !set["eval-every"] {
			*evalEvery = p.Train.EvalEvery
		}
		if total == 0 {
			total = p.Steps
		}
		root := os.Getenv("DIFFREGIMES_ROOT")
		if root == "" {
			root = "."
		}
		if *out == "" {
			*out = p.TrainDir(root)
		}
		if *export == "" {
			*export, exportMin = p.Dir(root), p.Steps // the reference model: only a finished run
		}
	} else {
		cfg, err := modelConfig(*config)
		if err != nil {
			return err
		}
		if *base > 0 {
			cfg = cfg.WithBase(*base)
		}
		s = settings{cfg: cfg.WithSeed(int64(*seed)), L: *L, dataset: *name, classes: strings.Split(*classes, ","), n: *n, heldOut: *heldOut,
			tc: ddpm.TrainConfig{Batch: *batch, LearningRate: *lr, Seed: *seed, WarmupSteps: *warmup, ClipNorm: *clip, EMARate: *ema}}
		if total == 0 {
			total = 1000
		}
	}
	s.tc.CheckpointEvery, s.tc.EvalEvery = *every, *evalEvery

	// The training data, when -data is a cache file (it also sets the default -out).
	var cached *datasets.Dataset
	if *data != "" {
		st, err := os.Stat(*data)
		if err != nil {
			return fmt.Errorf("-data %s: %w", *data, err)
		}
		if !st.IsDir() {
			for _, f := range []string{"dataset", "classes", "n", "preset"} {
				if set[f] {
					return fmt.Errorf("-data %s is a cache file, which fixes the training set: -%s does not apply", *data, f)
				}
			}
			if cached, err = datasets.ReadCache(*data); err != nil {
				return err
			}
			s.dataset, s.classes, s.n = "", nil, cached.N
		}
	}
	if *out == "" {
		// Where the real-data notebooks look for route (b) (realdata.FindDDPM reads the
		// training set from the checkpoint, so the name only has to be unique).
		if cached != nil {
			name, _, _ := strings.Cut(cached.Name, "[")
			*out = realdata.DDPMDir(realdata.TrainingSet{Dataset: "cache:" + name, N: cached.N, Split: datasets.Train.String(),
				H: cached.H, W: cached.W, C: cached.C, Digest: realdata.Digest(cached)})
		} else {
			*out = realdata.DDPMDir(realdata.TrainingSet{Dataset: s.dataset, Classes: s.classes, N: s.n, Seed: s.tc.Seed,
				Split: datasets.Train.String()})
		}
	}
	// The checkpoint directory: created (an -out under a file fails here), locked, cleaned.
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("-out %s cannot be a checkpoint directory: %w", *out, err)
	}
	lock, err := checkpoint.LockDir(*out)
	if err != nil {
		return err
	}
	defer lock.Release()
	ckpt := filepath.Join(*out, ddpm.CheckpointFile)
	if removed, err := checkpoint.CleanTemps(ckpt); err != nil {
		return err
	} else if len(removed) > 0 {
		fmt.Fprintf(stderr, "removed %d temporary file(s) left by a killed run: %s\n", len(removed), strings.Join(removed, ", "))
	}
	var meta *ddpm.Meta
	if _, err := os.Stat(ckpt); err == nil {
		m, err := ddpm.ReadCheckpointMeta(ckpt)
		if err != nil {
			return err
		}
		meta = &m
		if *fromCkpt {
			s.preset, s.cfg, s.L = m.Preset, m.Model, m.Schedule.L
			s.tc.Batch, s.tc.LearningRate, s.tc.Seed, s.tc.WarmupSteps, s.tc.ClipNorm, s.tc.EMARate =
				m.Train.Batch, m.Train.LearningRate, m.Train.Seed, m.Train.WarmupSteps, m.Train.ClipNorm, m.Train.EMARate
			if cached == nil && !m.Data.IsZero() {
				s.dataset, s.classes, s.n = m.Data.Dataset, m.Data.Classes, m.Data.N
			}
		}
	} else if *fromCkpt {
		return fmt.Errorf("-from-checkpoint: %s holds no checkpoint to take the settings from", *out)
	}
	s.cfg.Conv = impl

	// Data.
	d, held, err := loadData(*data, cached, s)
	if err != nil {
		return err
	}
	spec := d.Spec
	if s.preset == "" && !*fromCkpt {
		s.cfg.ImageSize, s.cfg.Channels = d.H, d.C // the flags' configuration, sized to the data
	}
	sched, err := ddpm.ScaledSchedule(s.L)
	if err != nil {
		return err
	}
	if meta != nil {
		if diffs := meta.Differences(s.cfg, s.tc, sched, spec); len(diffs) > 0 {
			return fmt.Errorf("%s was trained with other settings than this run's:\n  %s\nuse the checkpoint's flags, "+
				"-from-checkpoint to take its settings, or another -out", ckpt, strings.Join(diffs, "\n  "))
		}
		if meta.Step >= total {
			fmt.Fprintf(stderr, "%s is already at step %d >= -steps %d: nothing to train\n", ckpt, meta.Step, total)
			return exportTo(*export, exportMin, ckpt, stdout)
		}
	}
	b, err := backend.Default()
	if err != nil {
		return err
	}
	tr, err := ddpm.NewTrainer(b, s.cfg, s.tc, sched, d, *out)
	if err != nil {
		return err
	}
	tr.Model.Config.Conv = s.cfg.Conv // the implementation may differ from the checkpoint's
	if tr.Step() == 0 {
		tr.Preset = s.preset
	}
	tr.HeldOut = held
	fmt.Fprintf(stderr, "backend %s\n%s: %d parameters; data %s; held-out %d; %s; resuming at step %d of %d in %s\n",
		backend.Describe(b), tr.Model.Config, tr.Model.Config.NumParams(), spec, heldN(held), trainLine(tr.Config, sched),
		tr.Step(), total, *out)
	bar := ddpm.NewProgress(stderr)
	tr.Progress = func(r ddpm.Report) {
		if r.Eval != nil {
			if !*quiet {
				fmt.Fprintln(stderr)
			}
			fmt.Fprintf(stdout, "eval step %d train-loss %.5f held-out-loss %.5f\n", r.Eval.Step, r.Eval.Train, r.Eval.HeldOut)
		}
		if *quiet {
			if r.Checkpoint {
				fmt.Fprintf(stdout, "checkpoint step %d loss %.5f grad-norm %.3f %.3f steps/s\n", r.Step, r.Loss, r.GradNorm, r.StepsPerSec)
			}
			return
		}
		bar(r)
	}
	if err := tr.TrainContext(ctx, total); err != nil {
		if ctx.Err() != nil {
			fmt.Fprintf(stdout, "interrupted: checkpoint step %d written to %s\n", tr.Step(), ckpt)
		}
		return err
	}
	final, err := ddpm.ReadCheckpointMeta(ckpt)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, final.Provenance())
	return exportTo(*export, exportMin, ckpt, stdout)
}

// exportTo writes the EMA-only export of ckpt to the directory dir ("" for none), when ckpt has
// at least minStep steps.
func exportTo(dir string, minStep int, ckpt string, stdout io.Writer) error {
	if dir == "" {
		return nil
	}
	if meta, err := ddpm.ReadCheckpointMeta(ckpt); err != nil {
		return err
	} else if meta.Step < minStep {
		fmt.Fprintf(stdout, "not exported to %s: step %d of the preset's %d\n", dir, meta.Step, minStep)
		return nil
	}
	if err := ddpm.Export(ckpt, dir); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "exported the EMA weights to %s\n", filepath.Join(dir, ddpm.CheckpointFile))
	return nil
}

func heldN(ds *ddpm.Data) int {
	if ds == nil {
		return 0
	}
	return ds.N
}

func trainLine(tc ddpm.TrainConfig, s *ou.Schedule) string {
	return fmt.Sprintf("batch %d, lr %g, warm-up %d, clip %g, EMA %g, seed %d, L=%d (T=%.2f)", tc.Batch, tc.LearningRate,
		tc.WarmupSteps, tc.ClipNorm, tc.EMARate, tc.Seed, s.L, s.Time(s.L))
}

func modelConfig(name string) (unet.Config, error) {
	// The image size and channels are set from the data once loaded (see loadData).
	switch name {
	case "tiny":
		return unet.Tiny(32, 1), nil
	case "small":
		return unet.Small(32, 1), nil
	case "paper":
		return unet.Paper(32, 1), nil
	}
	return unet.Config{}, fmt.Errorf("-config %q: want tiny, small or paper", name)
}

func convImpl(name string) (unet.ConvImpl, error) {
	switch name {
	case "auto":
		return unet.Auto, nil
	case "grid":
		return unet.Grid, nil
	case "im2col":
		return unet.Im2Col, nil
	case "native":
		return unet.Native, nil
	}
	return 0, fmt.Errorf("-conv %q: want auto, grid, native or im2col", name)
}
