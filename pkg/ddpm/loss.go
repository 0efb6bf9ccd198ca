package ddpm

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/diffregimes/diffregimes/pkg/ou"
	"github.com/diffregimes/diffregimes/pkg/unet"
	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// Noise returns x(t') of eq. (58) for clean images x0 [b,H,W,C], noise ξ of the same shape and
// per-example coefficients sqrtAB = sqrt(ᾱ(t')) and sqrt1mAB = sqrt(1 - ᾱ(t')), both [b]:
//
//	x(t') = sqrt(ᾱ(t')) a + sqrt(1 - ᾱ(t')) ξ
func Noise(x0, xi, sqrtAB, sqrt1mAB *Node) *Node {
	b := x0.Shape().Dim(0)
	return Add(Mul(Reshape(sqrtAB, b, 1, 1, 1), x0), Mul(Reshape(sqrt1mAB, b, 1, 1, 1), xi))
}

// Loss is the ε-prediction loss of eq. (60),
//
//	L(θ) = ‖ξ(t') - ξ_θ(x(t'), t')‖²,
//
// averaged over the batch and the pixels (the mean, as in Ho et al.'s L_simple, rather than
// the sum: a constant factor that Adam is nearly insensitive to). steps [b] are the t' (as
// float32), sqrtAB and sqrt1mAB [b] their coefficients of eq. (58).
func Loss(scope *model.Scope, m *unet.Model, x0, xi, steps, sqrtAB, sqrt1mAB *Node) *Node {
	if !x0.Shape().Equal(xi.Shape()) {
		panic(fmt.Sprintf("ddpm.Loss: x0 %s and noise %s shapes differ", x0.Shape(), xi.Shape()))
	}
	pred := m.Eps(scope, Noise(x0, xi, sqrtAB, sqrt1mAB), steps)
	return ReduceAllMean(Square(Sub(xi, pred)))
}

// evalSeed fixes the draws of the trainer's evaluations.
const evalSeed = 0x5eed

// evalBatch is the batch of the evaluation graph (the last batch is padded).
const evalBatch = 64

// evaluator computes the denoising loss of eq. (60) on a fixed set of images with fixed draws:
// image i gets the step t'_i and the noise ξ_i drawn from (seed, i).
type evaluator struct {
	exec          *model.Exec
	data          *Data
	b             int
	x0, xi        []*tensors.Tensor
	steps, sab, s []*tensors.Tensor
	valid         []int
}

// newEvaluator builds the evaluation of the weights under scope (e.g. "/ema" for the moving
// average of a training store, "/" for a loaded one) on data.
func newEvaluator(be compute.Backend, store *model.Store, scope string, m *unet.Model, sched *ou.Schedule, data *Data, seed uint64) (*evaluator, error) {
	if data == nil || data.N < 1 {
		return nil, errors.New("ddpm: evaluation set is empty")
	}
	if err := unet.CheckInput(m.Config, []int{1, data.H, data.W, data.C}); err != nil {
		return nil, fmt.Errorf("ddpm: evaluation set does not fit the model: %w", err)
	}
	e := &evaluator{data: data, b: min(evalBatch, data.N)}
	il := data.ImageLen()
	for start := 0; start < data.N; start += e.b {
		x0, xi := make([]float32, e.b*il), make([]float32, e.b*il)
		steps, sab, s1 := make([]float32, e.b), make([]float32, e.b), make([]float32, e.b)
		valid := 0
		for k := range e.b {
			i := start + k
			if i >= data.N {
				i = data.N - 1 // padding, not counted
			} else {
				valid++
			}
			copy(x0[k*il:], data.Image(i))
			rng := rand.New(rand.NewPCG(seed, streamEval|uint64(i)))
			tp := 1 + rng.IntN(sched.L)
			ab := sched.AlphaBar(tp)
			steps[k], sab[k], s1[k] = float32(tp), float32(math.Sqrt(ab)), float32(math.Sqrt(1-ab))
			for j := range il {
				xi[k*il+j] = float32(rng.NormFloat64())
			}
		}
		dims := []int{e.b, data.H, data.W, data.C}
		e.x0 = append(e.x0, tensors.FromFlatDataAndDimensions(x0, dims...))
		e.xi = append(e.xi, tensors.FromFlatDataAndDimensions(xi, dims...))
		e.steps = append(e.steps, tensors.FromValue(steps))
		e.sab = append(e.sab, tensors.FromValue(sab))
		e.s = append(e.s, tensors.FromValue(s1))
		e.valid = append(e.valid, valid)
	}
	var err error
	e.exec, err = model.NewExec(be, store, func(sc *model.Scope, x0, xi, steps, sab, s1 *Node) *Node {
		root := sc
		if scope != "/" && scope != "" {
			root = store.Scope(scope)
		}
		pred := m.Eps(root.In(unet.Scope), Noise(x0, xi, sab, s1), steps)
		return ReduceMean(Square(Sub(xi, pred)), 1, 2, 3) // per image
	})
	if err != nil {
		return nil, fmt.Errorf("ddpm: building the evaluation: %w", err)
	}
	return e, nil
}

// loss returns the mean per-image loss over the set.
func (e *evaluator) loss() (float64, error) {
	var sum float64
	for k := range e.x0 {
		out, err := e.exec.Exec(e.x0[k], e.xi[k], e.steps[k], e.sab[k], e.s[k])
		if err != nil {
			return 0, fmt.Errorf("ddpm: evaluation: %w", err)
		}
		per := tensors.MustCopyFlatData[float32](out[0])
		for i := range e.valid[k] {
			sum += float64(per[i])
		}
	}
	l := sum / float64(e.data.N)
	if math.IsNaN(l) || math.IsInf(l, 0) {
		return 0, fmt.Errorf("ddpm: evaluation loss is %v", l)
	}
	return l, nil
}

// DenoisingLoss is the loss of eq. (60) of a loaded model (store from LoadModel: weights under
// unet.Scope) on every image of data, each with one step t' uniform in 1..L and one noise ξ drawn
// from (seed, image index): the same numbers for the same arguments. With the seed and the
// held-out set of a training run it reproduces the run's held-out evaluations (Meta.Evals), which
// use seed EvalSeed.
func DenoisingLoss(be compute.Backend, m *unet.Model, store *model.Store, sched *ou.Schedule, data *Data, seed uint64) (float64, error) {
	if m == nil || store == nil || sched == nil {
		return 0, errors.New("ddpm: DenoisingLoss needs a model, its store and a schedule")
	}
	e, err := newEvaluator(be, store, "/", m, sched, data, seed)
	if err != nil {
		return 0, err
	}
	return e.loss()
}

// EvalSeed is the seed of the draws of the trainer's evaluations (see DenoisingLoss).
const EvalSeed = evalSeed
