package flow

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

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
	return nil
}

// Integrator integrates the probability-flow ODE of eq. (F1) backwards from t = T to 0 for
// batches of points, with any score.Score, on a gomlx backend. Steps are indexed k = 0..L
// with times t_k = T − kη; step k moves x(t_k) to x(t_{k+1}). The state lives on the host
// as row-major float32 [b, d]; every step is one graph call that also returns the score
// values it used, checked for finiteness so that a failing score is reported with its t
// and trajectory.
type Integrator struct {
	cfg   Config
	eta   float64
	b     compute.Backend
	s     score.Score
	euler *model.Exec
	heun  *model.Exec
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
	store := score.StoreOf(s)
	var err error
	in.euler, err = model.NewExec(b, store, func(_ *model.Scope, x, t, eta *graph.Node) (*graph.Node, *graph.Node) {
		f := s.Graph(x, t)
		return graph.Add(x, graph.Mul(graph.Add(x, f), eta)), f
	})
	if err != nil {
		return nil, fmt.Errorf("flow: building the Euler step: %w", err)
	}
	// The two-stage step of the Runge-Kutta family of order 2: x̃ = x + a v(x, t),
	// x' = x + c₁ v(x, t) + c₂ v(x̃, t'), with (a, c₁, c₂) = (η, η/2, η/2) for Heun and
	// (η/2, 0, η) for the midpoint step (t' = t − a).
	in.heun, err = model.NewExec(b, store, func(_ *model.Scope, inputs []*graph.Node) []*graph.Node {
		x, t, tn, a, c1, c2 := inputs[0], inputs[1], inputs[2], inputs[3], inputs[4], inputs[5]
		f1 := s.Graph(x, t)
		v1 := graph.Add(x, f1)
		xp := graph.Add(x, graph.Mul(v1, a))
		f2 := s.Graph(xp, tn)
		v2 := graph.Add(xp, f2)
		return []*graph.Node{graph.Add(x, graph.Add(graph.Mul(v1, c1), graph.Mul(v2, c2))), f1, f2}
	})
	if err != nil {
		return nil, fmt.Errorf("flow: building the Heun step: %w", err)
	}
	return in, nil
}

// Config returns the configuration with defaults filled in.
func (in *Integrator) Config() Config { return in.cfg }

// Eta is the step size η = T/L.
func (in *Integrator) Eta() float64 { return in.eta }

// Dim is the dimension d of the points.
func (in *Integrator) Dim() int { return in.s.Dim() }

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
	b := len(x) / d
	cur := tensors.FromFlatDataAndDimensions(append([]float32(nil), x...), b, d)
	for k := from; k < to; k++ {
		t, tn := in.Time(k), in.Time(k+1)
		var out []*tensors.Tensor
		var times []float64
		var err error
		switch {
		case k == in.cfg.L-1 && in.cfg.FinalDenoise:
			// x̂(0) = e^t (x + Δ_t F(x, t)), eq. (F3), from the score of the Euler graph.
			out, err = in.exec(in.euler, cur, float32(t), float32(0))
			if err == nil {
				var f []float32
				if f, err = tensors.CopyFlatData[float32](out[1]); err == nil {
					xs, _ := tensors.CopyFlatData[float32](cur)
					et, dt := math.Exp(t), ou.Delta(t)
					y := make([]float32, len(xs))
					for i := range xs {
						y[i] = float32(et * (float64(xs[i]) + dt*float64(f[i])))
					}
					out[0] = tensors.FromFlatDataAndDimensions(y, b, d)
				}
			}
			times = []float64{t}
		case in.cfg.Method == Heun && tn > 0:
			eta := t - tn
			out, err = in.exec(in.heun, cur, float32(t), float32(tn), float32(eta), float32(eta/2), float32(eta/2))
			times = []float64{t, tn}
		case in.cfg.Method == Heun: // the step to t = 0: the midpoint rule, F never at t = 0
			eta, tm := t-tn, (t+tn)/2
			out, err = in.exec(in.heun, cur, float32(t), float32(tm), float32(eta/2), float32(0), float32(eta))
			times = []float64{t, tm}
		default:
			out, err = in.exec(in.euler, cur, float32(t), float32(t-tn))
			times = []float64{t}
		}
		if err != nil {
			return nil, fmt.Errorf("flow: step %d (t = %g to %g): evaluating the score: %w", k, t, tn, err)
		}
		for j, tj := range times {
			f, err := tensors.CopyFlatData[float32](out[1+j])
			if err != nil {
				return nil, err
			}
			if i, ok := firstNonFinite(f); !ok {
				return nil, fmt.Errorf("flow: step %d: score F(x, t = %g) not finite for trajectory %d (F[%d] = %v)", k, tj, i/d, i%d, f[i])
			}
		}
		cur = out[0]
	}
	y, err := tensors.CopyFlatData[float32](cur)
	if err != nil {
		return nil, err
	}
	if i, ok := firstNonFinite(y); !ok {
		return nil, fmt.Errorf("flow: state at t = %g not finite for trajectory %d (x[%d] = %v): step too large", in.Time(to), i/d, i%d, y[i])
	}
	return y, nil
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
