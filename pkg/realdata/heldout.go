package realdata

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/diffregimes/diffregimes/pkg/datasets"
	"github.com/diffregimes/diffregimes/pkg/ddpm"
	"github.com/diffregimes/diffregimes/pkg/numeric"
	"github.com/diffregimes/diffregimes/pkg/ou"
	"github.com/diffregimes/diffregimes/pkg/unet"
)

// lossChunk is the number of images per graph call of DenoisingLoss.
const lossChunk = 64

// DenoisingLoss returns the ε-prediction loss of eq. (60), ‖ξ - ξ_θ(x(t'), t')‖² per pixel, of
// the trained denoiser (m, store, sched) on the images x (flat [n, H, W, C], the training
// data's centring), with one standard error: each image gets draws independent draws of
// t' ~ U{1..L} and ξ ~ N(0, I) (x(t') of eq. 58), all from seed, so the same images and seed
// give the same number for every model — a held-out loss on images outside the training set,
// or the training loss on the training set, comparable across checkpoints.
func DenoisingLoss(b compute.Backend, m *unet.Model, store *model.Store, sched *ou.Schedule, x []float32, n, draws int, seed uint64) (mean, se float64, err error) {
	switch {
	case b == nil || m == nil || store == nil || sched == nil:
		return math.NaN(), math.NaN(), fmt.Errorf("realdata: DenoisingLoss needs a backend, a model, its store and a schedule")
	case n < 1 || draws < 1:
		return math.NaN(), math.NaN(), fmt.Errorf("realdata: DenoisingLoss: need n >= 1 images and draws >= 1, got %d, %d", n, draws)
	}
	cfg := m.Config
	il := cfg.ImageSize * cfg.ImageSize * cfg.Channels
	if len(x) != n*il {
		return math.NaN(), math.NaN(), fmt.Errorf("realdata: DenoisingLoss: %d values are not %d images of %dx%dx%d", len(x), n, cfg.ImageSize, cfg.ImageSize, cfg.Channels)
	}
	exec, err := model.NewExec(b, store, func(scope *model.Scope, x0, xi, steps, sab, s1mab *Node) *Node {
		pred := m.Eps(scope.In(unet.Scope), ddpm.Noise(x0, xi, sab, s1mab), steps)
		return ReduceMean(Square(Sub(xi, pred)), 1, 2, 3) // per image: eq. (60) averaged over pixels
	})
	if err != nil {
		return math.NaN(), math.NaN(), fmt.Errorf("realdata: DenoisingLoss: %w", err)
	}
	rng := rand.New(rand.NewPCG(seed, 0x4e01d0))
	var per []float64
	total := n * draws
	for start := 0; start < total; start += lossChunk {
		k := min(lossChunk, total-start)
		x0 := make([]float32, k*il)
		xi := make([]float32, k*il)
		steps, sab, s1mab := make([]float32, k), make([]float32, k), make([]float32, k)
		for j := range k {
			img := (start + j) % n
			copy(x0[j*il:], x[img*il:(img+1)*il])
			tp := 1 + rng.IntN(sched.L)
			ab := sched.AlphaBar(tp)
			steps[j], sab[j], s1mab[j] = float32(tp), float32(math.Sqrt(ab)), float32(math.Sqrt(1-ab))
		}
		for i := range xi {
			xi[i] = float32(rng.NormFloat64())
		}
		s := cfg.ImageSize
		out, err := exec.Exec(tensors.FromFlatDataAndDimensions(x0, k, s, s, cfg.Channels),
			tensors.FromFlatDataAndDimensions(xi, k, s, s, cfg.Channels), steps, sab, s1mab)
		if err != nil {
			return math.NaN(), math.NaN(), fmt.Errorf("realdata: DenoisingLoss: %w", err)
		}
		v, err := tensors.CopyFlatData[float32](out[0])
		if err != nil {
			return math.NaN(), math.NaN(), err
		}
		for _, l := range v {
			per = append(per, float64(l))
		}
	}
	mean, se = numeric.MeanSE(per)
	return mean, se, nil
}

// HeldOutSpec is the held-out counterpart of a training spec: the same dataset, classes and
// centring from the test split, n images (rounded down to a multiple of the classes).
func HeldOutSpec(spec datasets.Spec, n int) datasets.Spec {
	h := spec
	h.Split = datasets.Test
	k := max(1, len(spec.Classes))
	h.N = max(k, n/k*k)
	return h
}

// MeasureHeldOut fills p.HeldOutLoss with DenoisingLoss of route (b)'s model on the held-out
// images (HeldOutSpec(spec, n), one draw each, seed 1). The held-out images are centred with
// the training set's channel means, as the model saw its data.
func (e *Experiment) MeasureHeldOut(spec datasets.Spec, n int) error {
	s, ok := e.Score.(*ddpm.Score)
	if !ok || e.Model == nil {
		return fmt.Errorf("realdata: MeasureHeldOut: %s is not a route (b) experiment", e.Label())
	}
	hs := HeldOutSpec(spec, n)
	hs.Raw = true // centred below with the training set's means
	held, err := datasets.Load(hs)
	if err != nil {
		return fmt.Errorf("realdata: held-out images %s: %w", hs.Key(), err)
	}
	x := append([]float32(nil), held.X...)
	if !spec.Raw && e.Data.Mean != nil {
		for i := range x {
			x[i] -= e.Data.Mean[i%e.Data.C]
		}
	}
	mean, se, err := DenoisingLoss(e.backend, s.Model, s.Store(), s.Schedule, x, held.N, 1, 1)
	if err != nil {
		return err
	}
	e.Model.HeldOutLoss, e.Model.HeldOutErr = mean, se
	return nil
}
