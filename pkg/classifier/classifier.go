package classifier

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// scopeName is the scope of the network's variables in the store.
const scopeName = "classifier"

// evalBatch is the fixed batch size of Predict: one compiled graph serves every input size.
const evalBatch = 256

// Classifier is a trained (or freshly initialised) network with its configuration.
type Classifier struct {
	// Config is the architecture.
	Config Config
	// ClassNames names the output labels, may be nil.
	ClassNames []string
	// Mean is the per-channel mean that was subtracted from the training images (nil if they
	// were not centred): inputs to Predict must be centred the same way.
	Mean []float32
	// TestAccuracy is the accuracy measured on held-out images by the last Evaluate (NaN if
	// never measured).
	TestAccuracy float64
	// Steps is the number of optimisation steps taken so far.
	Steps int
	// Losses is the mean training loss of every step taken so far.
	Losses []float64

	store     *model.Store
	backend   compute.Backend
	predict   *model.Exec
	trainExec *model.Exec // compiled training step, reused while the learning rate is trainLR
	trainLR   float64
}

// New returns an untrained classifier of the given architecture on backend b.
func New(b compute.Backend, cfg Config) (*Classifier, error) {
	if b == nil {
		return nil, fmt.Errorf("classifier: New: backend is nil")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Classifier{Config: cfg, TestAccuracy: math.NaN(), store: model.NewStore(), backend: b}, nil
}

// Store returns the model store holding the network's variables (and Adam's state once
// trained).
func (c *Classifier) Store() *model.Store { return c.store }

// NumParams is the number of trainable parameters of the network (building it first: the
// error is that of the build).
func (c *Classifier) NumParams() (int, error) {
	if err := c.ensureBuilt(); err != nil {
		return 0, err
	}
	n := 0
	for v := range c.store.Scope("/" + scopeName).IterVariables() {
		if v.Trainable {
			n += v.Shape().Size()
		}
	}
	return n, nil
}

// ensureBuilt creates the variables by running one prediction on a zero batch, and returns
// the error of that prediction.
func (c *Classifier) ensureBuilt() error {
	if c.store.Scope("/"+scopeName).NumVariables() == 0 {
		if _, err := c.Logits(make([]float32, c.Config.Dim())); err != nil {
			return fmt.Errorf("classifier: building the network: %w", err)
		}
	}
	return nil
}

// Logits evaluates the network on images given row-major ([n, Height, Width, Channels]
// flattened, n >= 1) and returns the logits row-major [n, Classes].
func (c *Classifier) Logits(x []float32) ([]float32, error) {
	d := c.Config.Dim()
	if len(x) == 0 || len(x)%d != 0 {
		return nil, fmt.Errorf("classifier: Logits: x has %d values, want a positive multiple of Height·Width·Channels = %d", len(x), d)
	}
	if err := checkFinite(x, "x"); err != nil {
		return nil, err
	}
	if c.predict == nil {
		cfg := c.Config
		exec, err := model.NewExec(c.backend, c.store, func(scope *model.Scope, x *Node) *Node {
			return cfg.Logits(scope.In(scopeName), x)
		})
		if err != nil {
			return nil, err
		}
		c.predict = exec
	}
	n, k := len(x)/d, c.Config.Classes
	out := make([]float32, 0, n*k)
	batch := make([]float32, evalBatch*d)
	for start := 0; start < n; start += evalBatch {
		m := min(evalBatch, n-start)
		clear(batch)
		copy(batch, x[start*d:(start+m)*d])
		res, err := c.predict.Exec(tensors.FromFlatDataAndDimensions(batch, evalBatch, c.Config.Height, c.Config.Width, c.Config.Channels))
		if err != nil {
			return nil, fmt.Errorf("classifier: Logits: %w", err)
		}
		vals, err := tensors.CopyFlatData[float32](res[0])
		if err != nil {
			return nil, err
		}
		out = append(out, vals[:m*k]...)
	}
	return out, nil
}

// Predict returns the most likely class of each image (ties keep the lowest label).
func (c *Classifier) Predict(x []float32) ([]int, error) {
	logits, err := c.Logits(x)
	if err != nil {
		return nil, err
	}
	k := c.Config.Classes
	labels := make([]int, len(logits)/k)
	for i := range labels {
		row := logits[i*k : (i+1)*k]
		for j := 1; j < k; j++ {
			if row[j] > row[labels[i]] {
				labels[i] = j
			}
		}
	}
	return labels, nil
}

// Names returns the class name of each label (the decimal label when ClassNames is unset).
func (c *Classifier) Names(labels []int) []string {
	out := make([]string, len(labels))
	for i, l := range labels {
		if l >= 0 && l < len(c.ClassNames) {
			out[i] = c.ClassNames[l]
		} else {
			out[i] = fmt.Sprint(l)
		}
	}
	return out
}

// Accuracy is the fraction of images whose predicted class equals its label.
func (c *Classifier) Accuracy(x []float32, labels []int) (float64, error) {
	if err := c.checkLabelled(x, labels, "Accuracy"); err != nil {
		return 0, err
	}
	pred, err := c.Predict(x)
	if err != nil {
		return 0, err
	}
	ok := 0
	for i, p := range pred {
		if p == labels[i] {
			ok++
		}
	}
	return float64(ok) / float64(len(labels)), nil
}

// Evaluate measures the accuracy on held-out images and records it in TestAccuracy.
func (c *Classifier) Evaluate(x []float32, labels []int) (float64, error) {
	acc, err := c.Accuracy(x, labels)
	if err != nil {
		return 0, err
	}
	c.TestAccuracy = acc
	return acc, nil
}

// TrainOptions configures Train.
type TrainOptions struct {
	// Steps is the number of Adam steps (> 0).
	Steps int
	// BatchSize is the number of images per step (> 0).
	BatchSize int
	// LearningRate of Adam (> 0).
	LearningRate float64
	// Seed drives the order in which images are visited.
	Seed uint64
}

// DefaultTrainOptions trains for steps Adam steps of 64 images at learning rate 3e-3.
func DefaultTrainOptions(steps int) TrainOptions {
	return TrainOptions{Steps: steps, BatchSize: 64, LearningRate: 3e-3, Seed: 1}
}

// Train runs opt.Steps Adam steps on the softmax cross-entropy of the labelled images
// (row-major, labels in [0, Classes)). Epochs visit the images in a seeded random order.
// It returns the mean training loss of each step.
func (c *Classifier) Train(x []float32, labels []int, opt TrainOptions) ([]float64, error) {
	switch {
	case opt.Steps <= 0:
		return nil, fmt.Errorf("classifier: Train: Steps must be > 0, got %d", opt.Steps)
	case opt.BatchSize <= 0:
		return nil, fmt.Errorf("classifier: Train: BatchSize must be > 0, got %d", opt.BatchSize)
	case !(opt.LearningRate > 0):
		return nil, fmt.Errorf("classifier: Train: LearningRate must be > 0, got %g", opt.LearningRate)
	}
	if err := c.checkLabelled(x, labels, "Train"); err != nil {
		return nil, err
	}
	if err := checkFinite(x, "x"); err != nil {
		return nil, err
	}
	cfg, d, n := c.Config, c.Config.Dim(), len(labels)
	if c.trainExec == nil || c.trainLR != opt.LearningRate {
		// Adam keeps its learning rate in a variable created once: drop it so the new rate
		// applies (as train.NewTrainer does).
		if err := c.store.Scope("/" + optimizer.Scope).DeleteVariable(optimizer.ParamLearningRate); err != nil {
			return nil, fmt.Errorf("classifier: Train: resetting the learning rate: %w", err)
		}
		adam := optimizer.Adam().LearningRate(opt.LearningRate).Done()
		exec, err := model.NewExec(c.backend, c.store, func(scope *model.Scope, x, y *Node) *Node {
			logits := cfg.Logits(scope.In(scopeName), x)
			loss := crossEntropy(logits, y, cfg.Classes)
			adam.UpdateGraph(scope, x.Graph(), loss)
			return loss
		})
		if err != nil {
			return nil, err
		}
		c.trainExec, c.trainLR = exec, opt.LearningRate
	}
	step := c.trainExec
	rng := rand.New(rand.NewPCG(opt.Seed, 0x636c6173))
	order := rng.Perm(n)
	pos := 0
	bx := make([]float32, opt.BatchSize*d)
	by := make([]int32, opt.BatchSize)
	losses := make([]float64, 0, opt.Steps)
	for range opt.Steps {
		for j := range opt.BatchSize {
			if pos == n {
				rng.Shuffle(n, func(a, b int) { order[a], order[b] = order[b], order[a] })
				pos = 0
			}
			i := order[pos]
			pos++
			copy(bx[j*d:(j+1)*d], x[i*d:(i+1)*d])
			by[j] = int32(labels[i])
		}
		res, err := step.Exec(tensors.FromFlatDataAndDimensions(bx, opt.BatchSize, cfg.Height, cfg.Width, cfg.Channels),
			tensors.FromFlatDataAndDimensions(by, opt.BatchSize))
		if err != nil {
			return losses, fmt.Errorf("classifier: Train step %d: %w", c.Steps, err)
		}
		l := float64(tensors.ToScalar[float32](res[0]))
		if math.IsNaN(l) || math.IsInf(l, 0) {
			return losses, fmt.Errorf("classifier: Train step %d: loss is %v (lower LearningRate)", c.Steps, l)
		}
		losses = append(losses, l)
		c.Losses = append(c.Losses, l)
		c.Steps++
	}
	return losses, nil
}

// crossEntropy is (1/b) Σ_i [logsumexp_k z_ik - z_i,y_i] for logits z [b, K] and int32
// labels y [b]; the log-sum-exp is taken after subtracting the row maximum.
func crossEntropy(logits, labels *Node, classes int) *Node {
	m := StopGradient(ReduceAndKeep(logits, ReduceMax, 1))
	lse := Add(Log(ReduceAndKeep(Exp(Sub(logits, m)), ReduceSum, 1)), m) // [b, 1]
	onehot := OneHot(labels, classes, dtypes.Float32)                    // [b, K]
	picked := ReduceAndKeep(Mul(onehot, logits), ReduceSum, 1)           // [b, 1]
	return ReduceAllMean(Sub(lse, picked))
}

func (c *Classifier) checkLabelled(x []float32, labels []int, who string) error {
	d := c.Config.Dim()
	if len(labels) == 0 {
		return fmt.Errorf("classifier: %s: labels is empty", who)
	}
	if len(x) != len(labels)*d {
		return fmt.Errorf("classifier: %s: x has %d values, want len(labels)·Dim = %d·%d", who, len(x), len(labels), d)
	}
	for i, l := range labels {
		if l < 0 || l >= c.Config.Classes {
			return fmt.Errorf("classifier: %s: labels[%d] = %d is outside [0, %d)", who, i, l, c.Config.Classes)
		}
	}
	return nil
}

func checkFinite(x []float32, name string) error {
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("classifier: %s[%d] is %v", name, i, v)
		}
	}
	return nil
}
