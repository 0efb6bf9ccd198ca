package realdata

import (
	"crypto/sha256"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/gomlx/compute"
	"gonum.org/v1/gonum/stat"

	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/datasets"
	"github.com/diffregimes/diffregimes/pkg/ddpm"
	"github.com/diffregimes/diffregimes/pkg/numeric"
	"github.com/diffregimes/diffregimes/pkg/sde"
	"github.com/diffregimes/diffregimes/pkg/unet"
)

// Downsample average-pools the images of ds by factor f in height and width (f×f blocks), for
// the tiny nets that follow memorisation over training on CPU. The channel means (Mean) are
// unchanged: the mean of a pooled centred image is still zero per channel.
func Downsample(ds *datasets.Dataset, f int) (*datasets.Dataset, error) {
	if ds == nil {
		return nil, fmt.Errorf("realdata: Downsample: dataset is nil")
	}
	if f < 1 || ds.H%f != 0 || ds.W%f != 0 {
		return nil, fmt.Errorf("realdata: Downsample: factor %d does not divide %dx%d", f, ds.H, ds.W)
	}
	h, w, c := ds.H/f, ds.W/f, ds.C
	out := &datasets.Dataset{Name: fmt.Sprintf("%s/%d", ds.Name, f), N: ds.N, H: h, W: w, C: c, X: make([]float32, ds.N*h*w*c),
		Labels: slices.Clone(ds.Labels), ClassNames: slices.Clone(ds.ClassNames), Mean: slices.Clone(ds.Mean)}
	inv := 1 / float64(f*f)
	for i := range ds.N {
		src := ds.Row(i)
		dst := out.X[i*h*w*c : (i+1)*h*w*c]
		for y := range h {
			for x := range w {
				for ch := range c {
					var s float64
					for dy := range f {
						for dx := range f {
							s += float64(src[((y*f+dy)*ds.W+x*f+dx)*c+ch])
						}
					}
					dst[(y*w+x)*c+ch] = float32(s * inv)
				}
			}
		}
	}
	return out, nil
}

// MemorisationOptions configure MemorisationOverTraining.
type MemorisationOptions struct {
	// Spec is the training-set template (dataset, classes, seed); its N is replaced by each of Ns.
	Spec datasets.Spec
	Ns   []int
	// Pool is the average-pooling factor of the images (Downsample; 1: none).
	Pool int
	// Model is the U-Net; Train its optimiser settings (CheckpointEvery is ignored); L the
	// diffusion steps of ddpm.ScaledSchedule.
	Model unet.Config
	Train ddpm.TrainConfig
	L     int
	// Steps is the last training step; Checkpoints the number of log-spaced checkpoints from
	// First to Steps, where f_mem, the training and held-out losses are measured.
	Steps, First, Checkpoints int
	// Schedule, when set, replaces the log-spaced checkpoints: the training steps (increasing)
	// where f_mem and the losses are measured, e.g. an earlier run's schedule with later steps
	// appended, which continues its training from the cached checkpoints.
	Schedule []int
	// Samples generated per checkpoint (backward dynamics with SDE) for the copy fraction.
	Samples int
	SDE     sde.Config
	// HeldOut images of the test split for the held-out loss; LossDraws noise draws per image.
	HeldOut, LossDraws int
	// Dir holds one subdirectory per training set and model (default <cache>/ddpm-memorisation);
	// each checkpoint stays as step-NNNNNNN/checkpoint.ddpm, so a rerun trains nothing new.
	Dir string
}

// MemorisationCurve is f_mem along training for one n.
type MemorisationCurve struct {
	N int
	// Steps are the checkpoints' training steps; FMem the fraction of copies among the samples
	// (three standard errors), TrainLoss and HeldOutLoss the losses of eq. (60) on the training
	// images and on held-out images, with one standard error (same draws at every step).
	Steps                  []int
	FMem                   []clone.Estimate
	TrainLoss, HeldOutLoss []float64
	TrainErr, HeldOutErr   []float64
	// MedianRatio is, per checkpoint, the median over the samples of d₁/d₂ (distance to the
	// nearest training image over the distance to the second nearest): it falls towards
	// CopyThreshold and below as the net approaches memorisation, before f_mem moves.
	MedianRatio []float64
	// TauMem is the training step where f_mem crosses ½ (linear in log step; NaN if it does not).
	TauMem float64
	// Skipped are the schedule's steps left out because the directory's training had gone past
	// them without keeping a checkpoint there (an earlier run with another schedule).
	Skipped []int
	// TrainTime is the wall time spent training in this call (0 when every checkpoint existed).
	TrainTime time.Duration
	// Set is the training set.
	Set TrainingSet
}

// MemorisationResult is f_mem over training for several n and the fit τ_mem = a + b·n.
type MemorisationResult struct {
	Curves []*MemorisationCurve
	// Slope b and Intercept a of the least-squares line through the (n, τ_mem) with a τ_mem,
	// SlopeErr one standard error of b (NaN with fewer than three points); LogSlope the
	// slope of log τ_mem against log n (1 for τ_mem ∝ n).
	Slope, Intercept, SlopeErr, LogSlope float64
}

// MemorisationOverTraining trains, for each n of opt.Ns, the U-Net opt.Model on n images
// (checkpoints on a log-spaced schedule) and measures at each checkpoint the fraction of
// generated samples that are copies of a training image (CopyThreshold, the criterion of
// arXiv 2505.17638), and the training and held-out denoising losses; τ_mem(n) is where
// f_mem crosses ½ and the result fits its slope in n (the follow-up paper: τ_mem ∝ n).
func MemorisationOverTraining(b compute.Backend, opt MemorisationOptions) (*MemorisationResult, error) {
	switch {
	case len(opt.Ns) == 0:
		return nil, fmt.Errorf("realdata: MemorisationOverTraining: no n given")
	case opt.Schedule != nil && (len(opt.Schedule) < 2 || opt.Schedule[0] < 1 || !slices.IsSorted(opt.Schedule) ||
		len(slices.Compact(slices.Clone(opt.Schedule))) != len(opt.Schedule)):
		return nil, fmt.Errorf("realdata: MemorisationOverTraining: Schedule must hold at least two increasing steps >= 1, got %v", opt.Schedule)
	case opt.Schedule == nil && (opt.Checkpoints < 2 || opt.First < 1 || opt.Steps <= opt.First):
		return nil, fmt.Errorf("realdata: MemorisationOverTraining: need Checkpoints >= 2 and 1 <= First < Steps, got %d, %d, %d",
			opt.Checkpoints, opt.First, opt.Steps)
	case opt.Samples < 1:
		return nil, fmt.Errorf("realdata: MemorisationOverTraining: need Samples >= 1, got %d", opt.Samples)
	}
	opt.Pool = max(opt.Pool, 1)
	opt.LossDraws = max(opt.LossDraws, 1)
	if opt.Dir == "" {
		opt.Dir = filepath.Join(datasets.CacheDir(), "ddpm-memorisation")
	}
	schedule := opt.Schedule
	if schedule == nil {
		schedule = logSteps(opt.First, opt.Steps, opt.Checkpoints)
	}
	sched, err := ddpm.ScaledSchedule(opt.L)
	if err != nil {
		return nil, err
	}
	res := &MemorisationResult{}
	for _, n := range opt.Ns {
		c, err := memorisationCurve(b, opt, n, schedule, sched.L)
		if err != nil {
			return nil, err
		}
		res.Curves = append(res.Curves, c)
	}
	res.fit()
	return res, nil
}

// logSteps returns k training steps from first to last, equally spaced in log step, rounded
// and without repeats.
func logSteps(first, last, k int) []int {
	var out []int
	for _, s := range numeric.Logspace(float64(first), float64(last), k) {
		out = append(out, int(math.Round(s)))
	}
	out[len(out)-1] = last
	slices.Sort(out)
	return slices.Compact(out)
}

func memorisationCurve(b compute.Backend, opt MemorisationOptions, n int, schedule []int, L int) (*MemorisationCurve, error) {
	spec := opt.Spec
	spec.N = n
	full, err := datasets.Load(spec)
	if err != nil {
		return nil, err
	}
	ds, err := Downsample(full, opt.Pool)
	if err != nil {
		return nil, err
	}
	set, err := TrainingSetOf(spec, ds)
	if err != nil {
		return nil, err
	}
	held, err := heldOutImages(spec, ds, opt.HeldOut, opt.Pool)
	if err != nil {
		return nil, err
	}
	cfg := opt.Model
	sum := sha256.Sum256(fmt.Appendf(nil, "%s %+v L%d", cfg, opt.Train, L))
	dir := filepath.Join(opt.Dir, fmt.Sprintf("%s-%x", set.DirName(), sum[:6]))
	if err := RecordTrainingSet(dir, set); err != nil {
		return nil, err
	}
	data, err := ddpm.NewData(ds.X, ds.N, ds.H, ds.W, ds.C)
	if err != nil {
		return nil, err
	}
	sched, err := ddpm.ScaledSchedule(L)
	if err != nil {
		return nil, err
	}
	c := &MemorisationCurve{N: n, Set: set, TauMem: math.NaN()}
	var tr *ddpm.Trainer
	for _, step := range schedule {
		stepDir := filepath.Join(dir, fmt.Sprintf("step-%07d", step))
		path := filepath.Join(stepDir, ddpm.CheckpointFile)
		if _, err := ddpm.ReadCheckpointMeta(path); err != nil {
			// A schedule step that an earlier run of this set and model trained past without
			// keeping (another schedule) cannot be measured without retraining: leave it out.
			at := 0
			if tr != nil {
				at = tr.Step()
			} else if m, err := ddpm.ReadCheckpointMeta(filepath.Join(dir, ddpm.CheckpointFile)); err == nil {
				at = m.Step
			}
			if at > step {
				c.Skipped = append(c.Skipped, step)
				continue
			}
			if tr == nil {
				tc := opt.Train
				tc.CheckpointEvery = 0
				if tr, err = ddpm.NewTrainer(b, cfg, tc, sched, data, dir); err != nil {
					return nil, err
				}
			}
			start := time.Now()
			if err := tr.Train(step); err != nil { // writes dir/checkpoint.ddpm at step
				return nil, err
			}
			if tr.Step() != step {
				return nil, fmt.Errorf("realdata: %s holds a checkpoint at step %d, past the missing checkpoint of step %d: remove the directory to retrain",
					dir, tr.Step(), step)
			}
			c.TrainTime += time.Since(start)
			raw, err := os.ReadFile(filepath.Join(dir, ddpm.CheckpointFile))
			if err != nil {
				return nil, err
			}
			if err := writeFileAtomic(path, raw); err != nil {
				return nil, err
			}
		}
		m, store, sch, err := ddpm.LoadModel(path, ds.C)
		if err != nil {
			return nil, err
		}
		s, err := ddpm.NewScore(m, store, sch)
		if err != nil {
			return nil, err
		}
		e, err := New(b, set.String(), RouteDDPM, ds, s)
		if err != nil {
			return nil, err
		}
		scfg := opt.SDE
		scfg.Seed += int64(step)
		x, err := e.Generate(opt.Samples, scfg)
		if err != nil {
			return nil, err
		}
		cp, err := e.Copies(x)
		if err != nil {
			return nil, err
		}
		tl, te, err := DenoisingLoss(b, m, store, sch, ds.X, ds.N, opt.LossDraws, 1)
		if err != nil {
			return nil, err
		}
		hl, he, err := DenoisingLoss(b, m, store, sch, held.X, held.N, opt.LossDraws, 1)
		if err != nil {
			return nil, err
		}
		c.Steps = append(c.Steps, step)
		c.FMem = append(c.FMem, cp.Fraction)
		c.MedianRatio = append(c.MedianRatio, numeric.Median(cp.Ratio))
		c.TrainLoss, c.TrainErr = append(c.TrainLoss, tl), append(c.TrainErr, te)
		c.HeldOutLoss, c.HeldOutErr = append(c.HeldOutLoss, hl), append(c.HeldOutErr, he)
	}
	ls, f := make([]float64, len(c.Steps)), make([]float64, len(c.Steps))
	for i, s := range c.Steps {
		ls[i], f[i] = math.Log(float64(s)), c.FMem[i].P
	}
	if x, err := numeric.Crossing(ls, f, 0.5); err == nil {
		c.TauMem = math.Exp(x)
	}
	return c, nil
}

// heldOutImages loads n test-split images of the spec's classes, centred with the training
// set's channel means and pooled like it.
func heldOutImages(spec datasets.Spec, train *datasets.Dataset, n, pool int) (*datasets.Dataset, error) {
	hs := HeldOutSpec(spec, max(n, 1))
	hs.Raw = true
	held, err := datasets.Load(hs)
	if err != nil {
		return nil, fmt.Errorf("realdata: held-out images %s: %w", hs.Key(), err)
	}
	if !spec.Raw && train.Mean != nil {
		x := slices.Clone(held.X)
		for i := range x {
			x[i] -= train.Mean[i%train.C]
		}
		held.X = x
	}
	return Downsample(held, pool)
}

// fit sets the line τ_mem = a + b·n through the curves that have a τ_mem, and the log-log slope.
func (r *MemorisationResult) fit() {
	r.Slope, r.Intercept, r.SlopeErr, r.LogSlope = math.NaN(), math.NaN(), math.NaN(), math.NaN()
	var ns, taus, lns, ltaus []float64
	for _, c := range r.Curves {
		if !math.IsNaN(c.TauMem) {
			ns, taus = append(ns, float64(c.N)), append(taus, c.TauMem)
			lns, ltaus = append(lns, math.Log(float64(c.N))), append(ltaus, math.Log(c.TauMem))
		}
	}
	if len(ns) < 2 {
		return
	}
	r.Intercept, r.Slope = stat.LinearRegression(ns, taus, nil, false)
	_, r.LogSlope = stat.LinearRegression(lns, ltaus, nil, false)
	if k := len(ns); k >= 3 {
		var rss, sxx float64
		mn := stat.Mean(ns, nil)
		for i := range ns {
			res := taus[i] - r.Intercept - r.Slope*ns[i]
			rss += res * res
			sxx += (ns[i] - mn) * (ns[i] - mn)
		}
		r.SlopeErr = math.Sqrt(rss / float64(k-2) / sxx)
	}
}

// Table is τ_mem(n) and the fit, as Markdown.
func (r *MemorisationResult) Table() string {
	s := "| n | checkpoints | f_mem at the last step ± 3 s.e. | τ_mem (f_mem = ½) | training time here |\n|---|---|---|---|---|\n"
	for _, c := range r.Curves {
		if len(c.FMem) == 0 {
			s += fmt.Sprintf("| %d | none (steps %v skipped) | – | n/a | %s |\n", c.N, c.Skipped, c.TrainTime.Round(time.Second))
			continue
		}
		last := c.FMem[len(c.FMem)-1]
		s += fmt.Sprintf("| %d | %d (steps %d..%d) | %.3f ± %.3f | %s | %s |\n", c.N, len(c.Steps), c.Steps[0], c.Steps[len(c.Steps)-1],
			last.P, last.Err, num(c.TauMem), c.TrainTime.Round(time.Second))
	}
	s += fmt.Sprintf("\nfit τ_mem = a + b·n: b = %s ± %s (1 s.e.) steps per image, a = %s; log-log slope %s (1 for τ_mem ∝ n)\n",
		num(r.Slope), num(r.SlopeErr), num(r.Intercept), num(r.LogSlope))
	return s
}
