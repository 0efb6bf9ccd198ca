package sde

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/core/graph"
)

// Method selects the discretisation of the backward SDE of eq. (3).
type Method int

const (
	// EulerMaruyama is the paper's discretisation, eq. (55) (EulerMaruyamaStep).
	EulerMaruyama Method = iota
	// Exponential integrates the linear drift +x exactly over a step and freezes F
	// (ExponentialStep).
	Exponential
)

// String names the method.
func (m Method) String() string {
	switch m {
	case EulerMaruyama:
		return "euler-maruyama"
	case Exponential:
		return "exponential"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// Step returns the step of size η of the method.
func (m Method) Step(eta float64) Step {
	if m == Exponential {
		return ExponentialStep(eta)
	}
	return EulerMaruyamaStep(eta)
}

// Noise selects where the Gaussian noise ξ is drawn.
type Noise int

const (
	// NoiseAuto draws on the host for the pure-Go backend and in the graph otherwise.
	NoiseAuto Noise = iota
	// NoiseGraph draws ξ inside the step graph with the graph RNG (Box-Muller, see Normal):
	// nothing crosses the host-device boundary, the right choice on a GPU.
	NoiseGraph
	// NoiseHost draws ξ on the host (ziggurat, in parallel blocks with their own PCG
	// streams) and feeds it to the graph: on the pure-Go backend this is several times cheaper than
	// the graph's logarithms and cosines, which otherwise dominate a mixture-score step.
	NoiseHost
)

// Config holds the discretisation parameters. Zero fields take the paper's defaults
// (withDefaults); validate names the first invalid field.
type Config struct {
	T      float64 // time horizon; default 10 (SI D.1)
	L      int     // number of steps, η = T/L; default 1000 (SI D.1)
	K      int     // steps fused into one graph call; 0: automatic (see Integrator.StepsPerCall)
	Method Method  // default EulerMaruyama (eq. 55)
	Noise  Noise   // default NoiseAuto
	Kernel Kernel  // default KernelAuto: the score's host kernel on the pure-Go backend (see Kernel)
	Seed   int64   // seed of the noise stream that draws x_T and all ξ
	// FinalDenoise, when set, replaces the last step of the chain, from t_{L-1} = η to
	// t_L = 0, with the noise-free denoiser of Denoise, x̂(0) = e^{η}(x + Δ_η F(x, η)), in
	// every Run or RunObserved whose range ends at L. Off by default: the last step is then
	// an ordinary step, which adds noise of norm sqrt(2ηd) at t = 0. The noise stream is
	// consumed exactly as without it, so the trajectories agree down to t = η.
	FinalDenoise bool
}

// Observer is a per-step measurement fused into the integration graph: Fn maps the state
// x(t) ([b, d] float32) and the scalar t (float32) to a node whose leading axis is b (e.g.
// the nearest training point's index). It is evaluated before each step, i.e. at t_k for
// the steps k that a call runs.
type Observer struct {
	Name string
	Fn   func(x, t *graph.Node) *graph.Node
	// Fused, when set, replaces both the score's graph and Fn: it returns F(x, t) and the
	// observation from one graph (e.g. score.WithNearest, which shares the logits).
	Fused func(x, t *graph.Node) (f, obs *graph.Node)
	// HostFused, when set, lets an integrator running on the host kernel (Kernel) keep the
	// observed steps on the host too: it returns F(x, t) and the observation (int32, e.g. one
	// per row of x, row-major [b, d]) from one host computation (e.g. HostEmpirical.Score with
	// its nearest output). Without it, observed runs use the step graph.
	HostFused func(x []float32, t float64) (f []float32, obs []int32, err error)
}

// withDefaults fills the zero fields with the paper's values (SI D.1: T = 10, L = 1000).
func (cfg Config) withDefaults() Config {
	cfg.T, cfg.L = GridDefaults(cfg.T, cfg.L)
	return cfg
}

// GridDefaults returns the time grid (T, L) of a backward integration with zero values
// replaced by the paper's (SI D.1: T = 10, L = 1000). It is shared by every integrator of
// the backward process (this package's SDE, pkg/flow's probability-flow ODE).
func GridDefaults(T float64, L int) (float64, int) {
	if T == 0 {
		T = 10
	}
	if L == 0 {
		L = 1000
	}
	return T, L
}

// CheckGrid reports an invalid time grid: T must be finite and > 0, L >= 1. pkg names the
// caller in the error.
func CheckGrid(pkg string, T float64, L int) error {
	switch {
	case !(T > 0) || math.IsInf(T, 0):
		return fmt.Errorf("%s: horizon T must be > 0 and finite, got %g", pkg, T)
	case L < 1:
		return fmt.Errorf("%s: number of steps L must be >= 1, got %d", pkg, L)
	}
	return nil
}

// validate reports the first invalid field of a configuration with defaults filled in.
func (cfg Config) validate() error {
	if err := CheckGrid("sde", cfg.T, cfg.L); err != nil {
		return err
	}
	switch {
	case cfg.K < 0:
		return fmt.Errorf("sde: fused steps K must be >= 0 (0: automatic), got %d", cfg.K)
	case cfg.Method != EulerMaruyama && cfg.Method != Exponential:
		return fmt.Errorf("sde: unknown method %d", cfg.Method)
	case cfg.Noise < NoiseAuto || cfg.Noise > NoiseHost:
		return fmt.Errorf("sde: unknown noise source %d", cfg.Noise)
	case cfg.Kernel < KernelAuto || cfg.Kernel > KernelHost:
		return fmt.Errorf("sde: unknown kernel %d", cfg.Kernel)
	}
	return nil
}
