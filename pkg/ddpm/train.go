package ddpm

import (
	"errors"
	"fmt"

	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/diffregimes/diffregimes/pkg/ou"
	"github.com/diffregimes/diffregimes/pkg/unet"
	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// TrainConfig holds the training hyperparameters of SI D.2 and the checkpoint policy.
type TrainConfig struct {
	// Batch is the minibatch size (paper: 128; 64 for LSUN).
	Batch int `json:"batch"`
	// LearningRate of Adam (paper: 1e-4, fixed).
	LearningRate float64 `json:"learning_rate"`
	// Seed fixes the data order and every random draw of training: the draws of step s are a
	// function of (Seed, s) only.
	Seed uint64 `json:"seed"`
	// CheckpointEvery writes a checkpoint every so many steps (0: only at the end of Train).
	CheckpointEvery int `json:"checkpoint_every"`
}

// PaperTrain returns the training configuration of SI D.2: Adam with lr 1e-4, batch 128.
func PaperTrain() TrainConfig {
	return TrainConfig{Batch: 128, LearningRate: 1e-4, Seed: 1, CheckpointEvery: 1000}
}

// Trainer trains a U-Net denoiser on a Data set with the loss of eq. (60).
type Trainer struct {
	Model    *unet.Model
	Config   TrainConfig
	Schedule *ou.Schedule
	// Dir is the checkpoint directory ("" disables checkpoints).
	Dir string
	// Progress, when set, receives one report per step (see NewProgress).
	Progress func(Report)

	backend compute.Backend
	store   *model.Store
	data    *Data
	exec    *model.Exec
	step    int
	losses  []float32
	// sqrtAB[k], sqrt1mAB[k]: sqrt(ᾱ(k)), sqrt(1-ᾱ(k)) for k = 0..L, in float64.
	sqrtAB, sqrt1mAB []float64
}

// Report is what a Trainer tells its Progress callback after each step.
type Report struct {
	Step, Total int     // steps completed, target of the current Train call
	Loss        float32 // loss of this step
	StepsPerSec float64 // average over the current Train call
	Elapsed     time.Duration
	Checkpoint  bool // a checkpoint was written after this step
}

// NewTrainer returns a trainer for cfg on data. When dir holds a checkpoint, training resumes
// from it: cfg must describe the same architecture (else an error), the checkpoint's training
// configuration and schedule are used, and data must have the image shape it was trained on. Otherwise the model starts from cfg's initialisation.
func NewTrainer(b compute.Backend, cfg unet.Config, tc TrainConfig, sched *ou.Schedule, data *Data, dir string) (*Trainer, error) {
	if data == nil {
		return nil, errors.New("ddpm: NewTrainer: data is nil")
	}
	if sched == nil {
		return nil, errors.New("ddpm: NewTrainer: schedule is nil")
	}
	switch {
	case tc.Batch < 1:
		return nil, fmt.Errorf("ddpm: TrainConfig.Batch must be >= 1, got %d", tc.Batch)
	case !(tc.LearningRate > 0):
		return nil, fmt.Errorf("ddpm: TrainConfig.LearningRate must be > 0, got %g", tc.LearningRate)
	case tc.CheckpointEvery < 0:
		return nil, fmt.Errorf("ddpm: TrainConfig.CheckpointEvery must be >= 0, got %d", tc.CheckpointEvery)
	}
	t := &Trainer{Config: tc, Schedule: sched, Dir: dir, backend: b, data: data}
	path := filepath.Join(dir, CheckpointFile)
	if _, err := os.Stat(path); dir != "" && err == nil {
		meta, store, err := ReadCheckpoint(path)
		if err != nil {
			return nil, err
		}
		if !sameArchitecture(meta.Model, cfg) {
			return nil, fmt.Errorf("ddpm: checkpoint %s holds a %s, not the requested %s: use another directory or the same configuration",
				path, meta.Model, cfg)
		}
		cfg, t.Config, t.step, t.losses, t.store = meta.Model, meta.Train, meta.Step, meta.Losses, store
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
	opt := optimizer.Adam().LearningRate(t.Config.LearningRate).Done()
	t.exec, err = model.NewExec(b, t.store, func(scope *model.Scope, x0, xi, steps, sab, s1mab *Node) *Node {
		loss := Loss(scope.In(unet.Scope), t.Model, x0, xi, steps, sab, s1mab)
		opt.UpdateGraph(scope, x0.Graph(), loss)
		return loss
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

// Store holds the parameters (scope unet.Scope) and the Adam state.
func (t *Trainer) Store() *model.Store { return t.store }

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

// Train runs training until Step() == total, writing a checkpoint every CheckpointEvery steps
// and at the end (when Dir is set). It returns at once when total <= Step().
func (t *Trainer) Train(total int) error {
	start := time.Now()
	first := t.step
	for t.step < total {
		x0, xi, steps, sab, s1mab := t.batch(t.step)
		out, err := t.exec.Exec(x0, xi, steps, sab, s1mab)
		if err != nil {
			return fmt.Errorf("ddpm: training step %d: %w", t.step+1, err)
		}
		loss := tensors.MustCopyFlatData[float32](out[0])[0]
		if math.IsNaN(float64(loss)) || math.IsInf(float64(loss), 0) {
			return fmt.Errorf("ddpm: training step %d: loss is %v", t.step+1, loss)
		}
		t.step++
		t.losses = append(t.losses, loss)
		ckpt := t.Dir != "" && (t.step == total || (t.Config.CheckpointEvery > 0 && t.step%t.Config.CheckpointEvery == 0))
		if ckpt {
			if err := t.Save(); err != nil {
				return err
			}
		}
		if t.Progress != nil {
			el := time.Since(start)
			t.Progress(Report{Step: t.step, Total: total, Loss: loss, StepsPerSec: float64(t.step-first) / el.Seconds(),
				Elapsed: el, Checkpoint: ckpt})
		}
	}
	return nil
}

// Save writes the checkpoint atomically to Dir/CheckpointFile.
func (t *Trainer) Save() error {
	if t.Dir == "" {
		return errors.New("ddpm: Trainer.Save: no checkpoint directory (Dir is empty)")
	}
	meta := Meta{Model: t.Model.Config, Train: t.Config, Step: t.step, Losses: t.losses}
	meta.Schedule.BetaStart, meta.Schedule.BetaEnd, meta.Schedule.L = t.Schedule.BetaStart, t.Schedule.BetaEnd, t.Schedule.L
	return writeCheckpoint(filepath.Join(t.Dir, CheckpointFile), meta, t.store)
}

// LoadModel reads a checkpoint written by a Trainer (a file, or a directory holding
// CheckpointFile) and returns the model, its parameter store and its schedule, ready for
// Sample and NewScore. channels, when > 0, must match the checkpoint's channel count.
func LoadModel(path string, channels int) (*unet.Model, *model.Store, *ou.Schedule, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, CheckpointFile)
	}
	meta, store, err := ReadCheckpoint(path)
	if err != nil {
		return nil, nil, nil, err
	}
	if channels > 0 && channels != meta.Model.Channels {
		return nil, nil, nil, fmt.Errorf("ddpm: checkpoint %s is for %d-channel images, not %d", path, meta.Model.Channels, channels)
	}
	m, err := unet.New(meta.Model)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("ddpm: checkpoint %s: %w", path, err)
	}
	sched, err := ou.NewSchedule(meta.Schedule.BetaStart, meta.Schedule.BetaEnd, meta.Schedule.L)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("ddpm: checkpoint %s: %w", path, err)
	}
	return m, store, sched, nil
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
