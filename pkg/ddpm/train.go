package ddpm

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/diffregimes/diffregimes/pkg/ou"
	"github.com/diffregimes/diffregimes/pkg/unet"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// TrainConfig holds the training hyperparameters of SI D.2, the usual additions of diffusion
// training (EMA of the weights, learning-rate warm-up, gradient-norm clipping), and the
// checkpoint and evaluation policy. The zero value of each addition switches it off.
type TrainConfig struct {
	// Batch is the minibatch size (paper: 128; 64 for LSUN).
	Batch int `json:"batch"`
	// LearningRate of Adam (paper: 1e-4, fixed), reached after the warm-up.
	LearningRate float64 `json:"learning_rate"`
	// Seed fixes the data order and every random draw of training: the draws of step s are a
	// function of (Seed, s) only.
	Seed uint64 `json:"seed"`
	// CheckpointEvery writes a checkpoint every so many steps (0: only at the end of Train).
	CheckpointEvery int `json:"checkpoint_every"`
	// WarmupSteps: the learning rate of step s (1-based) is LearningRate·min(1, s/WarmupSteps)
	// (0: no warm-up).
	WarmupSteps int `json:"warmup_steps,omitempty"`
	// ClipNorm: when > 0, the gradient is rescaled so that its global L2 norm over all
	// parameters is at most ClipNorm before Adam sees it.
	ClipNorm float64 `json:"clip_norm,omitempty"`
	// EMARate is the decay of the exponential moving average of the weights that sampling, the
	// score and the experiments use (see EMADecay); 0 makes the average the weights themselves.
	EMARate float64 `json:"ema_rate,omitempty"`
	// EvalEvery evaluates the denoising loss of the EMA weights on the held-out set (and on a
	// fixed subset of the training set) every so many steps and at the end of Train, when the
	// Trainer has a HeldOut set (0: only at the end).
	EvalEvery int `json:"eval_every,omitempty"`
}

// PaperTrain returns the training configuration of SI D.2: Adam with lr 1e-4, batch 128 (the
// paper mentions no EMA, warm-up or clipping).
func PaperTrain() TrainConfig {
	return TrainConfig{Batch: 128, LearningRate: 1e-4, Seed: 1, CheckpointEvery: 1000}
}

// Validate reports the first invalid field.
func (tc TrainConfig) Validate() error {
	switch {
	case tc.Batch < 1:
		return fmt.Errorf("ddpm: TrainConfig.Batch must be >= 1, got %d", tc.Batch)
	case !(tc.LearningRate > 0) || math.IsInf(tc.LearningRate, 0):
		return fmt.Errorf("ddpm: TrainConfig.LearningRate must be > 0 and finite, got %g", tc.LearningRate)
	case tc.CheckpointEvery < 0:
		return fmt.Errorf("ddpm: TrainConfig.CheckpointEvery must be >= 0, got %d", tc.CheckpointEvery)
	case tc.WarmupSteps < 0:
		return fmt.Errorf("ddpm: TrainConfig.WarmupSteps must be >= 0, got %d", tc.WarmupSteps)
	case !(tc.ClipNorm >= 0) || math.IsInf(tc.ClipNorm, 0):
		return fmt.Errorf("ddpm: TrainConfig.ClipNorm must be >= 0 and finite, got %g", tc.ClipNorm)
	case !(tc.EMARate >= 0 && tc.EMARate < 1):
		return fmt.Errorf("ddpm: TrainConfig.EMARate must be in [0, 1), got %g", tc.EMARate)
	case tc.EvalEvery < 0:
		return fmt.Errorf("ddpm: TrainConfig.EvalEvery must be >= 0, got %d", tc.EvalEvery)
	}
	return nil
}

// LearningRateAt is the learning rate of training step s (1-based): the linear warm-up
// LearningRate·min(1, s/WarmupSteps).
func (tc TrainConfig) LearningRateAt(s int) float64 {
	if tc.WarmupSteps <= 0 || s >= tc.WarmupSteps {
		return tc.LearningRate
	}
	return tc.LearningRate * float64(s) / float64(tc.WarmupSteps)
}

// EMADecay is the decay of the weights' moving average at training step s (1-based):
//
//	ema ← d·ema + (1-d)·θ,   d = min(EMARate, (s-1)/(s+9)),
//
// so the average starts as the weights after step 1 (d = 0) and its memory grows with the run
// until it reaches the 1/(1-EMARate) steps of the configured rate (the warm-up of the average
// used by TensorFlow's ExponentialMovingAverage with num_updates).
func (tc TrainConfig) EMADecay(s int) float64 {
	return min(tc.EMARate, float64(s-1)/float64(s+9))
}

// EMAScope is the scope under which the store holds the moving average of the weights: the
// average of variable /unet/x is /ema/unet/x.
const EMAScope = "ema"

// Trainer trains a U-Net denoiser on a Data set with the loss of eq. (60).
type Trainer struct {
	Model    *unet.Model
	Config   TrainConfig
	Schedule *ou.Schedule
	// Dir is the checkpoint directory ("" disables checkpoints).
	Dir string
	// Progress, when set, receives one report per step (see NewProgress).
	Progress func(Report)
	// HeldOut, when set, is the held-out set whose denoising loss (DenoisingLoss, EMA weights)
	// is evaluated every Config.EvalEvery steps and at the end of Train. It must have the
	// training images' shape and centring.
	HeldOut *Data
	// Preset names the preset the run was started from (recorded in the checkpoint).
	Preset string

	backend compute.Backend
	store   *model.Store
	data    *Data
	exec    *model.Exec
	step    int
	losses  []float32
	evals   []Eval
	seconds float64   // training time of the steps completed, over all sessions
	started time.Time // when step 1 ran
	// sqrtAB[k], sqrt1mAB[k]: sqrt(ᾱ(k)), sqrt(1-ᾱ(k)) for k = 0..L, in float64.
	sqrtAB, sqrt1mAB    []float64
	evalHeld, evalTrain *evaluator
}

// Eval is one evaluation of the denoising loss of the EMA weights: on the held-out set and on
// a fixed subset of the training set (at most EvalImages images), with fixed draws of t' and ξ,
// so evaluations at different steps are comparable.
type Eval struct {
	Step    int     `json:"step"`
	Train   float64 `json:"train"`
	HeldOut float64 `json:"held_out"`
}

// EvalImages is the largest number of training images on which the trainer evaluates the
// training denoising loss beside the held-out one.
const EvalImages = 256

// Report is what a Trainer tells its Progress callback after each step.
type Report struct {
	Step, Total int     // steps completed, target of the current Train call
	Loss        float32 // loss of this step
	GradNorm    float32 // global norm of this step's gradient, before clipping
	StepsPerSec float64 // average over the current Train call
	Elapsed     time.Duration
	Checkpoint  bool  // a checkpoint was written after this step
	Eval        *Eval // the evaluation made after this step, if any
}

// NewTrainer returns a trainer for cfg on data. When dir holds a checkpoint, training resumes
// from it: cfg must describe the same architecture (else an error), data must have the image
// shape it was trained on and, when both are known, the same DataSpec (else an error naming both);
// the checkpoint's schedule and training configuration are used, except CheckpointEvery and
// EvalEvery, which do not change the trajectory and are taken from tc (Meta.Differences lists what
// a caller's settings change; cmd/train refuses a resume that changes any). Otherwise the model
// starts from cfg's initialisation.
func NewTrainer(b compute.Backend, cfg unet.Config, tc TrainConfig, sched *ou.Schedule, data *Data, dir string) (*Trainer, error) {
	if data == nil {
		return nil, errors.New("ddpm: NewTrainer: data is nil")
	}
	if sched == nil {
		return nil, errors.New("ddpm: NewTrainer: schedule is nil")
	}
	if err := tc.Validate(); err != nil {
		return nil, err
	}
	t := &Trainer{Config: tc, Schedule: sched, Dir: dir, backend: b, data: data}
	path := filepath.Join(dir, CheckpointFile)
	if _, err := os.Stat(path); dir != "" && err == nil {
		meta, store, err := ReadCheckpoint(path)
		if err != nil {
			return nil, err
		}
		if meta.Exported {
			return nil, fmt.Errorf("ddpm: %s is an exported model (EMA weights only, no optimiser state): training cannot resume from it", path)
		}
		if !sameArchitecture(meta.Model, cfg) {
			return nil, fmt.Errorf("ddpm: checkpoint %s holds a %s, not the requested %s: use another directory or the same configuration",
				path, meta.Model, cfg)
		}
		if err := meta.Data.check(data.Spec); err != nil {
			return nil, fmt.Errorf("ddpm: checkpoint %s: %w", path, err)
		}
		cfg, t.step, t.losses, t.store, t.evals = meta.Model, meta.Step, meta.Losses, store, meta.Evals
		t.seconds, t.started, t.Preset = meta.TrainSeconds, meta.Started, meta.Preset
		t.Config = meta.Train
		t.Config.CheckpointEvery, t.Config.EvalEvery = tc.CheckpointEvery, tc.EvalEvery
		if t.Schedule, err = ou.NewSchedule(meta.Schedule.BetaStart, meta.Schedule.BetaEnd, meta.Schedule.L); err != nil {
			return nil, fmt.Errorf("ddpm: checkpoint %s: %w", path, err)
		}
	} else {
		t.store = model.NewStore()
		t.store.SetParam(unet.ParamSeedKey, cfg.Seed)
	}
	if err := unet.CheckInput(cfg, []int{1, data.H, data.W, data.C}); err != nil {
		if t.step > 0 {
			return nil, fmt.Errorf("ddpm: data does not fit the checkpoint in %s: %w", dir, err)
		}
		return nil, fmt.Errorf("ddpm: data does not fit the model: %w", err)
	}
	m, err := unet.New(cfg)
	if err != nil {
		return nil, err
	}
	t.Model = m
	L := t.Schedule.L
	t.sqrtAB, t.sqrt1mAB = make([]float64, L+1), make([]float64, L+1)
	for k := range L + 1 {
		ab := t.Schedule.AlphaBar(k)
		t.sqrtAB[k], t.sqrt1mAB[k] = math.Sqrt(ab), math.Sqrt(1-ab)
	}
	clip := t.Config.ClipNorm
	opt := optimizer.Adam().LearningRate(t.Config.LearningRate).Done()
	t.exec, err = model.NewExec(b, t.store, func(scope *model.Scope, in []*Node) []*Node {
		x0, xi, steps, sab, s1mab, lr, decay := in[0], in[1], in[2], in[3], in[4], in[5], in[6]
		g := x0.Graph()
		loss := Loss(scope.In(unet.Scope), t.Model, x0, xi, steps, sab, s1mab)
		grads := scope.BuildTrainableVariablesGradientsGraph(loss)
		// Global gradient norm, and clipping to ClipNorm (Pascanu et al. 2013). The squares are
		// summed in the order of the variables' paths, not of the store's iteration (creation order
		// in a fresh run, file order after a resume), so a resumed run adds them in the same order.
		var paths []string
		for v := range scope.IterVariables() {
			if v.Trainable && v.InUseByGraph(g) {
				paths = append(paths, v.Path())
			}
		}
		if len(paths) != len(grads) {
			panic(fmt.Sprintf("ddpm: %d gradients for %d trainable variables", len(grads), len(paths)))
		}
		order := make([]int, len(grads))
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(a, b int) int { return strings.Compare(paths[a], paths[b]) })
		var sq *Node
		for _, i := range order {
			s := ReduceAllSum(Square(grads[i]))
			if sq == nil {
				sq = s
			} else {
				sq = Add(sq, s)
			}
		}
		norm := Sqrt(sq)
		if clip > 0 {
			factor := Min(Scalar(g, dtypes.Float32, 1.0), Div(Scalar(g, dtypes.Float32, clip), Add(norm, Scalar(g, dtypes.Float32, 1e-12))))
			for i := range grads {
				grads[i] = Mul(grads[i], factor)
			}
		}
		// Warm-up: Adam reads its learning-rate variable's graph value, set here to this step's rate.
		optimizer.LearningRateVar(scope, dtypes.Float32, t.Config.LearningRate).SetNodeValue(lr)
		var trained []*model.Variable
		for v := range scope.At(unet.Scope).IterVariables() {
			if v.Trainable {
				trained = append(trained, v)
			}
		}
		opt.(interface {
			UpdateGraphWithGradients(*model.Scope, []*Node, dtypes.DType)
		}).UpdateGraphWithGradients(scope, grads, loss.DType())
		// EMA of the updated weights.
		for _, v := range trained {
			ev := t.store.VariableWithShape("/"+EMAScope+v.Path(), v.Shape(), initializer.Zero)
			ev.SetTrainable(false)
			w := v.NodeValue(g)
			e := ev.NodeValue(g)
			ev.SetNodeValue(Add(Mul(decay, e), Mul(OneMinus(decay), w)))
		}
		return []*Node{loss, norm}
	})
	if err != nil {
		return nil, fmt.Errorf("ddpm: building the training step: %w", err)
	}
	return t, nil
}

// Step is the number of training steps completed.
func (t *Trainer) Step() int { return t.step }

// Losses returns the loss of every step completed (including those before a resume).
func (t *Trainer) Losses() []float32 { return t.losses }

// Evals returns the evaluations made so far (including those before a resume).
func (t *Trainer) Evals() []Eval { return t.evals }

// Store holds the raw parameters (scope unet.Scope), their moving average (scope EMAScope) and
// the Adam state. Sample and NewScore read /unet: pass EMAStore() to use the average.
func (t *Trainer) Store() *model.Store { return t.store }

// EMAStore returns a new store whose /unet variables are copies of the moving average of the
// weights (the weights themselves before the first step), for Sample and NewScore.
func (t *Trainer) EMAStore() (*model.Store, error) { return emaStore(t.store, t.Model.Config.Seed) }

// emaStore copies /ema/unet/x (or, when the store has no average, /unet/x) to /unet/x of a new store.
func emaStore(src *model.Store, seed int64) (*model.Store, error) {
	prefix := "/" + EMAScope + "/" + unet.Scope + "/"
	hasEMA := false
	for v := range src.IterVariables() {
		if len(v.Path()) > len(prefix) && v.Path()[:len(prefix)] == prefix {
			hasEMA = true
			break
		}
	}
	dst := model.NewStore()
	dst.SetParam(unet.ParamSeedKey, seed)
	raw := "/" + unet.Scope + "/"
	for v := range src.IterVariables() {
		p := v.Path()
		var to string
		switch {
		case hasEMA && len(p) > len(prefix) && p[:len(prefix)] == prefix:
			to = raw + p[len(prefix):]
		case !hasEMA && len(p) > len(raw) && p[:len(raw)] == raw:
			to = p
		default:
			continue
		}
		val, err := v.Value()
		if err != nil {
			return nil, fmt.Errorf("ddpm: reading %s: %w", p, err)
		}
		c, err := val.LocalClone()
		if err != nil {
			return nil, fmt.Errorf("ddpm: copying %s: %w", p, err)
		}
		if _, err := dst.CreateVariable(to, c); err != nil {
			return nil, fmt.Errorf("ddpm: %w", err)
		}
	}
	return dst, nil
}

// batch fills the inputs of training step s (0-based): the images of the epoch permutations,
// the noise ξ ~ N(0, I) and the steps t' uniform in 1..L, all drawn from (Seed, s).
func (t *Trainer) batch(s int) (x0, xi *tensors.Tensor, steps, sab, s1mab []float32) {
	d, B := t.data, t.Config.Batch
	il := d.ImageLen()
	xs := make([]float32, B*il)
	for k, i := range batchIndices(t.Config.Seed, s, B, d.N) {
		copy(xs[k*il:], d.Image(i))
	}
	rng := rand.New(rand.NewPCG(t.Config.Seed, streamNoise|uint64(s)))
	steps, sab, s1mab = make([]float32, B), make([]float32, B), make([]float32, B)
	for k := range B {
		tp := 1 + rng.IntN(t.Schedule.L)
		steps[k], sab[k], s1mab[k] = float32(tp), float32(t.sqrtAB[tp]), float32(t.sqrt1mAB[tp])
	}
	noise := make([]float32, B*il)
	for i := range noise {
		noise[i] = float32(rng.NormFloat64())
	}
	return tensors.FromFlatDataAndDimensions(xs, B, d.H, d.W, d.C), tensors.FromFlatDataAndDimensions(noise, B, d.H, d.W, d.C),
		steps, sab, s1mab
}

// Train runs training until Step() == total; see TrainContext.
func (t *Trainer) Train(total int) error { return t.TrainContext(context.Background(), total) }

// TrainContext runs training until Step() == total, writing a checkpoint every CheckpointEvery
// steps and at the end (when Dir is set), and evaluating the held-out loss every EvalEvery steps
// and at the end (when HeldOut is set). When ctx is cancelled (e.g. by SIGINT), it finishes the
// current step, writes a checkpoint and returns ctx's error. It returns at once when total <=
// Step().
func (t *Trainer) TrainContext(ctx context.Context, total int) error {
	start := time.Now()
	first := t.step
	sessionStart := t.seconds
	for t.step < total {
		if err := ctx.Err(); err != nil {
			return t.interrupted(err)
		}
		x0, xi, steps, sab, s1mab := t.batch(t.step)
		s := t.step + 1
		lr, decay := float32(t.Config.LearningRateAt(s)), float32(t.Config.EMADecay(s))
		out, err := t.exec.Exec(x0, xi, steps, sab, s1mab, lr, decay)
		if err != nil {
			return fmt.Errorf("ddpm: training step %d: %w", s, err)
		}
		loss := tensors.MustCopyFlatData[float32](out[0])[0]
		gnorm := tensors.MustCopyFlatData[float32](out[1])[0]
		if math.IsNaN(float64(loss)) || math.IsInf(float64(loss), 0) {
			return fmt.Errorf("ddpm: training step %d: loss is %v", s, loss)
		}
		if t.step == 0 {
			t.started = time.Now().UTC()
		}
		t.step = s
		t.losses = append(t.losses, loss)
		t.seconds = sessionStart + time.Since(start).Seconds()
		var ev *Eval
		if t.HeldOut != nil && (t.step == total || (t.Config.EvalEvery > 0 && t.step%t.Config.EvalEvery == 0)) {
			e, err := t.Evaluate()
			if err != nil {
				return err
			}
			ev = &e
		}
		ckpt := t.Dir != "" && (t.step == total || (t.Config.CheckpointEvery > 0 && t.step%t.Config.CheckpointEvery == 0))
		if ckpt {
			if err := t.Save(); err != nil {
				return err
			}
		}
		if t.Progress != nil {
			el := time.Since(start)
			t.Progress(Report{Step: t.step, Total: total, Loss: loss, GradNorm: gnorm, StepsPerSec: float64(t.step-first) / el.Seconds(),
				Elapsed: el, Checkpoint: ckpt, Eval: ev})
		}
	}
	return nil
}

// interrupted saves a final checkpoint after a cancellation and returns cause.
func (t *Trainer) interrupted(cause error) error {
	if t.Dir != "" && t.step > 0 {
		if err := t.Save(); err != nil {
			return errors.Join(cause, err)
		}
	}
	return fmt.Errorf("ddpm: training stopped at step %d (checkpoint written): %w", t.step, cause)
}

// Evaluate measures the denoising loss of the EMA weights on HeldOut and on the first
// min(N, EvalImages) training images, records it (Evals) and returns it.
func (t *Trainer) Evaluate() (Eval, error) {
	if t.HeldOut == nil {
		return Eval{}, errors.New("ddpm: Trainer.Evaluate: no HeldOut set")
	}
	if t.step == 0 {
		return Eval{}, errors.New("ddpm: Trainer.Evaluate: no training step yet (no moving average)")
	}
	scope := "/" + EMAScope
	var err error
	if t.evalHeld == nil {
		if t.evalHeld, err = newEvaluator(t.backend, t.store, scope, t.Model, t.Schedule, t.HeldOut, evalSeed); err != nil {
			return Eval{}, err
		}
		sub := &Data{Images: t.data.Images[:min(t.data.N, EvalImages)*t.data.ImageLen()], N: min(t.data.N, EvalImages),
			H: t.data.H, W: t.data.W, C: t.data.C}
		if t.evalTrain, err = newEvaluator(t.backend, t.store, scope, t.Model, t.Schedule, sub, evalSeed); err != nil {
			return Eval{}, err
		}
	}
	e := Eval{Step: t.step}
	if e.HeldOut, err = t.evalHeld.loss(); err != nil {
		return Eval{}, err
	}
	if e.Train, err = t.evalTrain.loss(); err != nil {
		return Eval{}, err
	}
	if n := len(t.evals); n > 0 && t.evals[n-1].Step == e.Step {
		t.evals[n-1] = e
	} else {
		t.evals = append(t.evals, e)
	}
	return e, nil
}

// Save writes the checkpoint atomically to Dir/CheckpointFile.
func (t *Trainer) Save() error {
	if t.Dir == "" {
		return errors.New("ddpm: Trainer.Save: no checkpoint directory (Dir is empty)")
	}
	meta := Meta{Model: t.Model.Config, Train: t.Config, Step: t.step, Losses: t.losses, Data: t.data.Spec, Preset: t.Preset,
		Evals: t.evals, TrainSeconds: t.seconds, Started: t.started, Saved: time.Now().UTC()}
	meta.Schedule.BetaStart, meta.Schedule.BetaEnd, meta.Schedule.L = t.Schedule.BetaStart, t.Schedule.BetaEnd, t.Schedule.L
	return writeCheckpoint(filepath.Join(t.Dir, CheckpointFile), meta, t.store)
}

// LoadModel reads a checkpoint written by a Trainer (a file, or a directory holding
// CheckpointFile) and returns the model, a parameter store holding the moving average of its
// weights under unet.Scope (the raw weights for a checkpoint without one), and its schedule,
// ready for Sample and NewScore. channels, when > 0, must match the checkpoint's channel count.
func LoadModel(path string, channels int) (*unet.Model, *model.Store, *ou.Schedule, error) {
	m, store, sched, _, err := load(path, channels, true)
	return m, store, sched, err
}

// LoadRawModel is LoadModel with the raw (not averaged) weights of the last training step.
func LoadRawModel(path string, channels int) (*unet.Model, *model.Store, *ou.Schedule, error) {
	m, store, sched, _, err := load(path, channels, false)
	return m, store, sched, err
}

// LoadFor is LoadModel for the training set want: it refuses, with an error naming both specs,
// a checkpoint trained on another training set (dataset, classes, n, seed or image shape), and
// returns the checkpoint's header beside the model (for its Provenance).
func LoadFor(path string, want DataSpec) (*unet.Model, *model.Store, *ou.Schedule, Meta, error) {
	m, store, sched, meta, err := load(path, want.C, true)
	if err != nil {
		return nil, nil, nil, meta, err
	}
	if !meta.Data.Equal(want) {
		return nil, nil, nil, meta, fmt.Errorf("ddpm: checkpoint %s was trained on %s, not on %s", checkpointPath(path), meta.Data, want)
	}
	return m, store, sched, meta, nil
}

func checkpointPath(path string) string {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return filepath.Join(path, CheckpointFile)
	}
	return path
}

func load(path string, channels int, ema bool) (*unet.Model, *model.Store, *ou.Schedule, Meta, error) {
	path = checkpointPath(path)
	meta, store, err := ReadCheckpoint(path)
	if err != nil {
		return nil, nil, nil, meta, err
	}
	if channels > 0 && channels != meta.Model.Channels {
		return nil, nil, nil, meta, fmt.Errorf("ddpm: checkpoint %s is for %d-channel images, not %d", path, meta.Model.Channels, channels)
	}
	m, err := unet.New(meta.Model)
	if err != nil {
		return nil, nil, nil, meta, fmt.Errorf("ddpm: checkpoint %s: %w", path, err)
	}
	sched, err := ou.NewSchedule(meta.Schedule.BetaStart, meta.Schedule.BetaEnd, meta.Schedule.L)
	if err != nil {
		return nil, nil, nil, meta, fmt.Errorf("ddpm: checkpoint %s: %w", path, err)
	}
	if ema {
		if store, err = emaStore(store, meta.Model.Seed); err != nil {
			return nil, nil, nil, meta, fmt.Errorf("ddpm: checkpoint %s: %w", path, err)
		}
	}
	return m, store, sched, meta, nil
}

// ScaledSchedule returns a linear schedule of L steps whose βs are the paper's (1e-4 → 2e-2
// over 1000 steps) multiplied by 1000/L (β capped at 0.5), so that the horizon T = Time(L) stays
// close to the paper's 5.06: L = 100 gives T = 5.40, L = 50 gives 5.88, L = 1000 gives
// PaperSchedule exactly. It lets CPU demonstrations train and sample with fewer, larger steps;
// eqs. (58)-(61) are unchanged.
func ScaledSchedule(L int) (*ou.Schedule, error) {
	if L < 2 {
		return nil, fmt.Errorf("ddpm: ScaledSchedule needs L >= 2 steps, got %d", L)
	}
	f := 1000 / float64(L)
	return ou.NewSchedule(1e-4*f, min(2e-2*f, 0.5), L)
}

// sameArchitecture reports whether two configurations build the same parameters (the
// convolution implementation and the initialisation seed do not matter once trained).
func sameArchitecture(a, b unet.Config) bool {
	return a.ImageSize == b.ImageSize && a.Channels == b.Channels && a.Base == b.Base && a.ResBlocks == b.ResBlocks &&
		a.Groups == b.Groups && slices.Equal(a.Mults, b.Mults) && slices.Equal(a.Attention, b.Attention)
}
