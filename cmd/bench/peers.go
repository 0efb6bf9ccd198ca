package main

// The modes of the peer comparison (issue 14, bench/compare.py): each prints one line per
// measurement with the median and range of reps timed calls after a warm-up call,
//
//	<what> <key=value ...> ms=<median> min_ms=<min> max_ms=<max>
//
// so that bench/compare.py can interleave them with the NumPy and PyTorch peers of
// bench/peers_cpu.py, which print the same lines for the same computations.

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"github.com/diffregimes/diffregimes/pkg/classifier"
	"github.com/diffregimes/diffregimes/pkg/score"
	"github.com/diffregimes/diffregimes/pkg/sde"
	"github.com/diffregimes/diffregimes/pkg/unet"
)

// withHost: also time score.HostEmpirical (flag -host).
var withHost bool

// benchScoreHost times the host kernel of the exact score (OpenBLAS sgemm + float32 softmax)
// on the same dataset and points as the graph, if a BLAS library loads.
func benchScoreHost(ds *score.Dataset, x *tensors.Tensor, reps int) error {
	if !withHost {
		return nil
	}
	h, err := score.NewHostEmpirical(ds)
	if err != nil {
		fmt.Printf("# score impl=host skipped: %v\n", err)
		return nil
	}
	name, _ := score.BLAS()
	fmt.Printf("# host kernel BLAS: %s\n", name)
	xs, err := tensors.CopyFlatData[float32](x)
	if err != nil {
		return err
	}
	n, d, batch := ds.N(), ds.Dim(), len(xs)/ds.Dim()
	med, lo, hi, err := timed(reps, func() error { _, err := h.Score(xs, 0.5, nil); return err })
	if err != nil {
		return err
	}
	flops := 4 * float64(batch) * float64(n) * float64(d)
	report(fmt.Sprintf("score n=%d d=%d b=%d impl=host gflops=%.1f", n, d, batch, flops/med/1e6), med, lo, hi)
	return nil
}

// timed runs f once (warm-up, compilation) and then reps times, and returns the median, min
// and max duration of the timed calls in milliseconds.
func timed(reps int, f func() error) (med, lo, hi float64, err error) {
	if err := f(); err != nil {
		return 0, 0, 0, err
	}
	var ts []float64
	for range max(reps, 1) {
		t0 := time.Now()
		if err := f(); err != nil {
			return 0, 0, 0, err
		}
		ts = append(ts, float64(time.Since(t0).Microseconds())/1000)
	}
	slices.Sort(ts)
	return ts[len(ts)/2], ts[0], ts[len(ts)-1], nil
}

func report(prefix string, med, lo, hi float64) {
	fmt.Printf("%s ms=%.3f min_ms=%.3f max_ms=%.3f\n", prefix, med, lo, hi)
}

// benchSDEStep times one Euler-Maruyama step of eq. (55) (K = 1 step per call, host noise
// on the pure-Go backend) with the mixture score of eq. (54) (m = 1, σ = 1) in dimension d
// and, when n > 0, with the exact empirical score of eq. (2) for n random training points.
// steps steps are run per timed call; the reported time is per step.
func benchSDEStep(b compute.Backend, kind string, n, d, batch, steps, reps int) error {
	var s score.Score
	switch kind {
	case "mixture":
		m, err := score.NewMixture(ones(d), 1)
		if err != nil {
			return err
		}
		s = m
	case "exact":
		r := rand.New(rand.NewPCG(5, 6))
		ds, err := score.NewDataset(randomFlat(r, n*d), n, d, 0)
		if err != nil {
			return err
		}
		if s, err = score.NewEmpirical(ds); err != nil {
			return err
		}
	default:
		return fmt.Errorf("sde step: unknown score %q (mixture, exact)", kind)
	}
	prefix := fmt.Sprintf("sde score=%s d=%d b=%d", kind, d, batch)
	if kind == "exact" {
		prefix = fmt.Sprintf("sde score=%s n=%d d=%d b=%d", kind, n, d, batch)
	}
	// The step graph, then (exact score) the integrator's host kernel: sde.KernelHost, the
	// path sde.KernelAuto takes on the pure-Go backend when OpenBLAS loads.
	kernels := []sde.Kernel{sde.KernelGraph}
	if kind == "exact" && withHost {
		kernels = append(kernels, sde.KernelHost)
	}
	for _, kern := range kernels {
		in, err := sde.New(b, s, sde.Config{T: 10, L: 1000, K: 1, Seed: 1, Kernel: kern})
		if err != nil {
			if kern == sde.KernelHost {
				fmt.Printf("# sde impl=host skipped: %v\n", err)
				return nil
			}
			return err
		}
		x, err := in.Start(batch)
		if err != nil {
			return err
		}
		med, lo, hi, err := timed(reps, func() error {
			_, err := in.Run(x, 0, steps)
			return err
		})
		if err != nil {
			return err
		}
		k := float64(steps)
		report(prefix+" impl="+kern.String(), med/k, lo/k, hi/k)
	}
	return nil
}

// unetConfig returns the named CPU configuration (tiny, small) for 32×32×1 images.
func unetConfig(name string) (unet.Config, error) {
	switch name {
	case "tiny":
		return unet.Tiny(32, 1), nil
	case "small":
		return unet.Small(32, 1), nil
	}
	return unet.Config{}, fmt.Errorf("unet: unknown config %q (tiny, small)", name)
}

// benchUNet times one DDPM training step of the U-Net (eq. 60 loss, backward, Adam lr 1e-4)
// or one evaluation ε_θ(x, t) (a sampling step), on 32×32×1 images at the given batch.
func benchUNet(b compute.Backend, cfgName, mode string, batch, reps int) error {
	cfg, err := unetConfig(cfgName)
	if err != nil {
		return err
	}
	m, err := unet.New(cfg)
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(7, 8))
	x := tensors.FromFlatDataAndDimensions(randomFlat(r, batch*32*32), batch, 32, 32, 1)
	eps := tensors.FromFlatDataAndDimensions(randomFlat(r, batch*32*32), batch, 32, 32, 1)
	steps := make([]float32, batch)
	for i := range steps {
		steps[i] = float32(1 + (i*37)%1000)
	}
	st := tensors.FromFlatDataAndDimensions(steps, batch)
	store := model.NewStore()
	var f func() error
	switch mode {
	case "train":
		opt := optimizer.Adam().LearningRate(1e-4).Done()
		e, err := model.NewExec(b, store, func(scope *model.Scope, x, steps, eps *Node) *Node {
			pred := m.Eps(scope.In(unet.Scope), x, steps)
			loss := ReduceAllMean(Square(Sub(pred, eps)))
			opt.UpdateGraph(scope, x.Graph(), loss)
			return loss
		})
		if err != nil {
			return err
		}
		f = func() error { _, err := e.Exec(x, st, eps); return err }
	case "eval":
		e, err := model.NewExec(b, store, func(scope *model.Scope, x, steps *Node) *Node {
			return ReduceAllSum(m.Eps(scope.In(unet.Scope), x, steps)) // scalar: no copy of ε
		})
		if err != nil {
			return err
		}
		f = func() error { _, err := e.Exec(x, st); return err }
	default:
		return fmt.Errorf("unet: unknown mode %q (train, eval)", mode)
	}
	med, lo, hi, err := timed(reps, f)
	if err != nil {
		return err
	}
	report(fmt.Sprintf("unet config=%s mode=%s b=%d params=%d", cfgName, mode, batch, cfg.NumParams()), med, lo, hi)
	return nil
}

// benchClassifier times one Adam step (lr 1e-3, softmax cross-entropy) of the default
// classifier (classifier.DefaultConfig(32, 32, 1, 2)) on a batch of 32×32×1 images.
func benchClassifier(b compute.Backend, batch, reps int) error {
	c, err := classifier.New(b, classifier.DefaultConfig(32, 32, 1, 2))
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(9, 10))
	x := randomFlat(r, batch*32*32)
	labels := make([]int, batch)
	for i := range labels {
		labels[i] = i % 2
	}
	opt := classifier.TrainOptions{Steps: 1, BatchSize: batch, LearningRate: 1e-3, Seed: 1}
	med, lo, hi, err := timed(reps, func() error { _, err := c.Train(x, labels, opt); return err })
	if err != nil {
		return err
	}
	params, err := c.NumParams()
	if err != nil {
		return err
	}
	report(fmt.Sprintf("classifier mode=train b=%d params=%d", batch, params), med, lo, hi)
	return nil
}
