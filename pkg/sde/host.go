package sde

import (
	"fmt"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/diffregimes/diffregimes/pkg/score"
)

// Kernel selects where the score and the step of the backward dynamics are computed.
type Kernel int

const (
	// KernelAuto runs on the host when the backend is the pure-Go one, the noise is drawn on
	// the host, and the score has a host kernel that loads (score.HostScorer: the exact
	// empirical score; score.HostKernelScorer: the trained U-Net of ddpm.Score through
	// unet.Host; both need OpenBLAS); in the step graph otherwise.
	KernelAuto Kernel = iota
	// KernelGraph runs every step in the gomlx step graph (the accelerator path).
	KernelGraph
	// KernelHost requires the host kernel (score.HostScorer or score.HostKernelScorer): New
	// fails, naming the reason, when there is none.
	KernelHost
)

// String names the kernel choice.
func (k Kernel) String() string {
	switch k {
	case KernelAuto:
		return "auto"
	case KernelGraph:
		return "graph"
	case KernelHost:
		return "host"
	}
	return fmt.Sprintf("Kernel(%d)", int(k))
}

// HostKernel resolves a Kernel choice for the score s: the host kernel to use, or nil for the
// step graph. KernelAuto takes the host kernel when goBackend (the pure-Go backend) and s has
// one that loads (score.HostScorer, score.HostKernelScorer); KernelHost requires it, an error
// naming the reason when there is none; KernelGraph never takes one. Shared by this package
// and pkg/flow.
func HostKernel(k Kernel, s score.Score, goBackend bool) (score.HostKernel, error) {
	if k == KernelGraph {
		return nil, nil
	}
	err := fmt.Errorf("the score %T has no host kernel", s)
	var h score.HostKernel
	if hs, ok := s.(score.HostScorer); ok {
		var he *score.HostEmpirical
		if he, err = hs.Host(); err == nil {
			h = he
		}
	} else if hk, ok := s.(score.HostKernelScorer); ok {
		h, err = hk.HostKernel()
	}
	switch {
	case k == KernelHost && err != nil:
		return nil, fmt.Errorf("Kernel host: %w", err)
	case err != nil || (k == KernelAuto && !goBackend):
		return nil, nil
	}
	return h, nil
}

// hostKernel is HostKernel for an integrator, whose host kernel also needs host noise.
func hostKernel(cfg Config, s score.Score, goBackend, hostNoise bool) (score.HostKernel, error) {
	h, err := HostKernel(cfg.Kernel, s, goBackend)
	switch {
	case err != nil:
		return nil, fmt.Errorf("sde: %w", err)
	case h != nil && !hostNoise && cfg.Kernel == KernelHost:
		return nil, fmt.Errorf("sde: Kernel host needs the noise drawn on the host (Noise auto on the pure-Go backend, or host)")
	case !hostNoise:
		return nil, nil
	}
	return h, nil
}

// runHost is RunObserved on the host kernel: each step computes F(x, t_k) with the host
// kernel (or the observer's HostFused, which also returns the observation at t_k) and applies
// the same Step as the graph, A x + B F + ξ, with ξ the same draw of the host noise stream as
// the step graph's (draw indices are per step, whatever the steps per call), so the host and
// graph paths give the same trajectories up to float32 rounding. The host kernel's rounding of
// a row depends on the batch around it (OpenBLAS's blocking), so unlike the graph path the
// first rows of a larger batch are not bit for bit those of a smaller one. With Config.FinalDenoise and
// to = L the last step is the denoiser, its draw reserved and unused. Observations come as
// one int32 tensor [1, m] per step, m the observation's length.
func (in *Integrator) runHost(x *tensors.Tensor, from, to int, obs *Observer) (*tensors.Tensor, []*tensors.Tensor, error) {
	b, d := x.Shape().Dim(0), in.Dim()
	xs, err := tensors.CopyFlatData[float32](x)
	if err != nil {
		return nil, nil, err
	}
	step := in.cfg.Method.Step(in.eta)
	var observed []*tensors.Tensor
	for k := from; k < to; k++ {
		first := in.reserve(1)
		t := in.Time(k)
		var f []float32
		if obs != nil {
			var o []int32
			if f, o, err = obs.HostFused(xs, t); err == nil {
				observed = append(observed, tensors.FromFlatDataAndDimensions(o, 1, len(o)))
			}
		} else {
			f, err = in.hostScore.Score(xs, t, nil)
		}
		if err == nil && len(f) != len(xs) {
			err = fmt.Errorf("host score returned %d values for %d", len(f), len(xs))
		}
		if err != nil {
			return nil, nil, fmt.Errorf("sde: step %d (t = %g): %w", k, t, err)
		}
		if in.cfg.FinalDenoise && k == in.cfg.L-1 {
			xs = DenoiseStep(in.eta).Host(xs, f)
			continue
		}
		xi := in.fillNormal(b*d, 1, first, step.Noise)
		for i := range xs {
			xs[i] = float32(step.A*float64(xs[i])+step.B*float64(f[i])) + xi[i]
		}
	}
	return tensors.FromFlatDataAndDimensions(xs, b, d), observed, nil
}

// Host reports whether the integrator runs on the host kernel (see Kernel): every unobserved
// run, and observed runs whose observer has HostFused; other observed runs use the step graph.
func (in *Integrator) Host() bool { return in.hostScore != nil }

// HostKernel is the host kernel the integrator runs on (nil on the step graph).
func (in *Integrator) HostKernel() score.HostKernel { return in.hostScore }
