package flow

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/ou"
	"github.com/diffregimes/diffregimes/pkg/score"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

// Method selects the discretisation of the probability-flow ODE.
type Method int

const (
	// Euler is the first-order step x(t−η) = x(t) + η v(x(t), t), v = x + F (eq. F1 of doc.go).
	Euler Method = iota
	// Heun is the second-order predictor-corrector (explicit trapezoidal) step: the Euler
	// predictor x̃, then x(t−η) = x + (η/2)[v(x, t) + v(x̃, t−η)]. The step that ends at t = 0
	// is the explicit midpoint rule, x(0) = x + η v(x + (η/2) v(x, η), η/2), also of second
	// order, since the score need not be defined at t = 0.
	Heun
)

// String names the method.
func (m Method) String() string {
	switch m {
	case Euler:
		return "euler"
	case Heun:
		return "heun"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// Config holds the discretisation parameters; zero T and L take the paper's defaults
// (T = 10, L = 1000, SI D.1).
type Config struct {
	T      float64 // time horizon, the ODE starts at t = T from x_T ~ N(0, I)
	L      int     // number of uniform steps, η = T/L
	Method Method  // Euler (default) or Heun
	Seed   int64   // seed of the initial noise x_T (Start)
	// FinalDenoise replaces the last step, from t = η to 0, with the denoiser
	// x̂(0) = e^{η}(x + Δ_η F(x, η)) (Tweedie's posterior mean): the exact limit t' → 0 of
	// the ODE's solution from η with the denoiser D = e^t(x + Δ_t F) frozen over the step
	// (the DDIM step to 0, eq. F3 of doc.go). Off by default.
	FinalDenoise bool
	// Kernel selects where the score is evaluated (as for package sde): auto uses the exact
	// empirical score's host kernel on the pure-Go backend; graph always uses the gomlx graph.
	Kernel sde.Kernel
}

func (cfg Config) withDefaults() Config {
	cfg.T, cfg.L = sde.GridDefaults(cfg.T, cfg.L)
	return cfg
}

func (cfg Config) validate() error {
	if err := sde.CheckGrid("flow", cfg.T, cfg.L); err != nil {
		return err
	}
	if cfg.Method != Euler && cfg.Method != Heun {
		return fmt.Errorf("flow: unknown method %d", int(cfg.Method))
	}
	if cfg.Kernel < sde.KernelAuto || cfg.Kernel > sde.KernelHost {
		return fmt.Errorf("flow: unknown kernel %d", int(cfg.Kernel))
	}
	return nil
}

// Integrator integrates the probability-flow ODE of eq. (F1) backwards from t = T to 0 for
// batches of points, with any score.Score, on a gomlx backend. Steps are indexed k = 0..L
// with times t_k = T − kη; step k moves x(t_k) to x(t_{k+1}). The state lives on the host
// as row-major float32 [b, d]; every score evaluation is one graph call (or, for the exact
// empirical score on the pure-Go backend, one call of its host kernel, see Config.Kernel),
// checked for finiteness so that a failing score is reported with its t and trajectory, and
// the step's arithmetic is done on the host in float64.
type Integrator struct {
	cfg   Config
	eta   float64
	b     compute.Backend
	s     score.Score
	graph *model.Exec      // F(x, t) in the graph
	host  score.HostKernel // F(x, t) on the host, when set
}

// New validates the configuration and prepares the integrator for s on backend b.
func New(b compute.Backend, s score.Score, cfg Config) (*Integrator, error) {
	if b == nil {
		return nil, fmt.Errorf("flow: backend is nil")
	}
	if s == nil {
		return nil, fmt.Errorf("flow: score is nil")
	}
	if s.Dim() < 1 {
		return nil, fmt.Errorf("flow: score dimension must be >= 1, got %d", s.Dim())
	}
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	in := &Integrator{cfg: cfg, eta: cfg.T / float64(cfg.L), b: b, s: s}
	h, err := sde.HostKernel(cfg.Kernel, s, backend.IsGo(b))
	if err != nil {
		return nil, fmt.Errorf("flow: %w", err)
	}
	in.host = h
	in.graph, err = model.NewExec(b, score.StoreOf(s), func(_ *model.Scope, x, t *graph.Node) *graph.Node {
		return s.Graph(x, t)
	})
	if err != nil {
		return nil, fmt.Errorf("flow: building the score graph: %w", err)
	}
	return in, nil
}

// Config returns the configuration with defaults filled in.
func (in *Integrator) Config() Config { return in.cfg }

// Eta is the step size η = T/L.
func (in *Integrator) Eta() float64 { return in.eta }

// Dim is the dimension d of the points.
func (in *Integrator) Dim() int { return in.s.Dim() }

// Host reports whether the score is evaluated by its host kernel (Config.Kernel).
func (in *Integrator) Host() bool { return in.host != nil }

// Time returns t_k = T − kη.
func (in *Integrator) Time(k int) float64 {
	if k == in.cfg.L {
		return 0
	}
	return in.cfg.T - float64(k)*in.eta
}

// Start returns n starting points x_T ~ N(0, I), row-major [n, d], drawn from a PCG stream
// seeded by Config.Seed: the same seed gives the same points. (N(0, I) is P_T up to
// O(e^{−2T}), eq. 1.)
func (in *Integrator) Start(n int) ([]float32, error) {
	if n < 1 {
		return nil, fmt.Errorf("flow: number of points must be >= 1, got %d", n)
	}
	r := rand.New(rand.NewPCG(uint64(in.cfg.Seed), 0x6a09e667f3bcc908))
	x := make([]float32, n*in.Dim())
	for i := range x {
		x[i] = float32(r.NormFloat64())
	}
	return x, nil
}

// Sample draws n points x_T with Start and integrates them to t = 0 (Run over all L steps).
func (in *Integrator) Sample(n int) ([]float32, error) {
	x, err := in.Start(n)
	if err != nil {
		return nil, err
	}
	return in.Run(x, 0, in.cfg.L)
}

// Run integrates the points x (row-major [b, d], the state at t_from) through the steps
// from..to−1 and returns the state at t_to; x is not modified. It returns an error for a bad
// range or state, and, naming t and the trajectory, when the score is not finite or cannot
// be evaluated at a time of the grid.
func (in *Integrator) Run(x []float32, from, to int) ([]float32, error) {
	d := in.Dim()
	switch {
	case from < 0 || to > in.cfg.L || from > to:
		return nil, fmt.Errorf("flow: step range [%d, %d) must satisfy 0 <= from <= to <= L = %d", from, to, in.cfg.L)
	case len(x) == 0:
		return nil, fmt.Errorf("flow: state x is empty")
	case len(x)%d != 0:
		return nil, fmt.Errorf("flow: state x has %d values, not a multiple of d = %d", len(x), d)
	}
	if i, ok := firstNonFinite(x); !ok {
		return nil, fmt.Errorf("flow: initial state not finite: trajectory %d, x[%d] = %v", i/d, i%d, x[i])
	}
	cur := append([]float32(nil), x...)
	// comb returns ax·x + Σ_j term_j in float64, rounded to float32.
	comb := func(ax float64, terms ...func(i int) float64) []float32 {
		y := make([]float32, len(cur))
		for i := range cur {
			v := ax * float64(cur[i])
			for _, f := range terms {
				v += f(i)
			}
			y[i] = float32(v)
		}
		return y
	}
	for k := from; k < to; k++ {
		t, tn := in.Time(k), in.Time(k+1)
		f1, err := in.score(cur, t, k)
		if err != nil {
			return nil, err
		}
		v1 := func(c float64) func(i int) float64 {
			return func(i int) float64 { return c * (float64(cur[i]) + float64(f1[i])) }
		}
		switch {
		case k == in.cfg.L-1 && in.cfg.FinalDenoise:
			// x̂(0) = e^t (x + Δ_t F(x, t)), eq. (F3).
			et, dt := math.Exp(t), ou.Delta(t)
			cur = comb(et, func(i int) float64 { return et * dt * float64(f1[i]) })
		case in.cfg.Method == Heun:
			// The two-stage step of the Runge-Kutta family of order 2: x̃ = x + a v(x, t),
			// x' = x + c₁ v(x, t) + c₂ v(x̃, t'), with (a, c₁, c₂) = (η, η/2, η/2) for Heun and,
			// for the step to t = 0 (F never at t = 0), the midpoint step (η/2, 0, η), t' = t − a.
			eta := t - tn
			a, c1, c2, t2 := eta, eta/2, eta/2, tn
			if tn == 0 {
				a, c1, c2, t2 = eta/2, 0, eta, (t+tn)/2
			}
			xp := comb(1, v1(a))
			f2, err := in.score(xp, t2, k)
			if err != nil {
				return nil, err
			}
			cur = comb(1, v1(c1), func(i int) float64 { return c2 * (float64(xp[i]) + float64(f2[i])) })
		default:
			cur = comb(1, v1(t-tn))
		}
	}
	if i, ok := firstNonFinite(cur); !ok {
		return nil, fmt.Errorf("flow: state at t = %g not finite for trajectory %d (x[%d] = %v): step too large", in.Time(to), i/d, i%d, cur[i])
	}
	return cur, nil
}

// score evaluates F(x, t) for step k on the host kernel or in the graph, and checks it.
func (in *Integrator) score(x []float32, t float64, k int) ([]float32, error) {
	d := in.Dim()
	var f []float32
	var err error
	if in.host != nil {
		f, err = in.host.Score(x, t, nil)
	} else {
		var out []*tensors.Tensor
		if out, err = in.exec(in.graph, tensors.FromFlatDataAndDimensions(x, len(x)/d, d), float32(t)); err == nil {
			f, err = tensors.CopyFlatData[float32](out[0])
		}
	}
	if err != nil {
		return nil, fmt.Errorf("flow: step %d: evaluating the score at t = %g: %w", k, t, err)
	}
	if i, ok := firstNonFinite(f); !ok {
		return nil, fmt.Errorf("flow: step %d: score F(x, t = %g) not finite for trajectory %d (F[%d] = %v)", k, t, i/d, i%d, f[i])
	}
	return f, nil
}

// exec runs a step graph, turning a panic of the score's graph construction (e.g. a score
// that refuses a time) into an error.
func (in *Integrator) exec(e *model.Exec, args ...any) (out []*tensors.Tensor, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return e.Exec(args...)
}

// firstNonFinite returns the index of the first NaN or ±Inf value and false, or −1 and true.
func firstNonFinite(v []float32) (int, bool) {
	for i, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return i, false
		}
	}
	return -1, true
}
