package sde

import (
	"fmt"
	"math"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/score"
)

type execKey struct {
	k     int
	obs   *Observer
	final bool // the last of the k steps is the denoiser (Config.FinalDenoise)
}

// Integrator runs batches of backward trajectories of eq. (3) with a score, on a gomlx
// backend: K steps per graph call (the GPU backend waits after each call), the noise drawn
// from one seeded stream (see Noise), so the same seed and the same sequence of calls give
// the same trajectories on the same backend.
//
// Steps are indexed k = 0..L with times t_k = T - kη: step k moves x(t_k) to x(t_{k+1}) using
// F(x, t_k), so the score is never evaluated at t = 0. With Config.FinalDenoise, step L-1 is
// the noise-free denoiser instead (see Denoise).
type Integrator struct {
	cfg     Config
	eta     float64
	backend compute.Backend
	score   score.Score
	store   *model.Store
	rng     *tensors.Tensor // graph noise: the RNG state, advanced by each call
	host    bool            // host noise
	// hostScore, when set, runs unobserved steps on the host (Kernel, runHost).
	hostScore score.HostKernel
	calls     uint64 // host noise: stream counter, one per draw
	execs     map[execKey]*model.Exec
	init      *model.Exec
}

// New validates the configuration and prepares an integrator for s on backend b. A score
// implementing score.WithStore runs with its store; otherwise a fresh store is used (see
// Store, to which a Dataset can be attached for observers).
func New(b compute.Backend, s score.Score, cfg Config) (*Integrator, error) {
	if b == nil {
		return nil, fmt.Errorf("sde: backend is nil")
	}
	if s == nil {
		return nil, fmt.Errorf("sde: score is nil")
	}
	if s.Dim() < 1 {
		return nil, fmt.Errorf("sde: score dimension must be >= 1, got %d", s.Dim())
	}
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	rng, err := graph.RNGStateFromSeed(cfg.Seed)
	if err != nil {
		return nil, fmt.Errorf("sde: seeding the RNG: %w", err)
	}
	host := cfg.Noise == NoiseHost || (cfg.Noise == NoiseAuto && backend.IsGo(b))
	h, err := hostKernel(cfg, s, backend.IsGo(b), host)
	if err != nil {
		return nil, err
	}
	return &Integrator{cfg: cfg, eta: cfg.T / float64(cfg.L), backend: b, score: s, host: host, hostScore: h,
		store: score.StoreOf(s), rng: rng, execs: map[execKey]*model.Exec{}}, nil
}

// Config returns the configuration with defaults filled in.
func (in *Integrator) Config() Config { return in.cfg }

// Eta is the step size η = T/L.
func (in *Integrator) Eta() float64 { return in.eta }

// Dim is the dimension d of the trajectories.
func (in *Integrator) Dim() int { return in.score.Dim() }

// Backend is the backend the graphs run on.
func (in *Integrator) Backend() compute.Backend { return in.backend }

// Score is the score the integrator runs.
func (in *Integrator) Score() score.Score { return in.score }

// Store is the store the integration graphs run with.
func (in *Integrator) Store() *model.Store { return in.store }

// StepsPerCall returns the number of steps fused into one graph call for a batch of b
// trajectories: Config.K when set; otherwise 25 on an accelerator backend, where each call
// waits for the device (~63 µs for go-xla on a GPU), and on the pure-Go backend enough steps
// to make a call handle ~1M coordinates (1 to 50 steps): its per-call overhead (~0.4 ms)
// matters only for small batches, and fusing more steps only grows the buffers.
func (in *Integrator) StepsPerCall(b int) int {
	switch {
	case in.cfg.K > 0:
		return in.cfg.K
	case !backend.IsGo(in.backend):
		return 25
	}
	return max(1, min(50, (1<<20)/max(1, b*in.Dim())))
}

// Time returns t_k = T - kη, the time after k steps.
func (in *Integrator) Time(k int) float64 { return in.cfg.T - float64(k)*in.eta }

// StepAt returns the step k whose time t_k is closest to t, for t in [0, T].
func (in *Integrator) StepAt(t float64) (int, error) {
	if !(t >= 0 && t <= in.cfg.T) {
		return 0, fmt.Errorf("sde: time t = %g outside [0, T = %g]", t, in.cfg.T)
	}
	return int(math.Round((in.cfg.T - t) / in.eta)), nil
}

// Start draws b starting points x_T ~ N(0, I) ([b, d] float32) from the integrator's stream.
func (in *Integrator) Start(b int) (*tensors.Tensor, error) {
	if b < 1 {
		return nil, fmt.Errorf("sde: batch size must be >= 1, got %d", b)
	}
	if in.host {
		return tensors.FromFlatDataAndDimensions(in.hostNormal(b*in.Dim(), 1, 1), b, in.Dim()), nil
	}
	if in.init == nil {
		d := in.Dim()
		exec, err := model.NewExec(in.backend, model.NewStore(), func(_ *model.Scope, rng, bref *graph.Node) (*graph.Node, *graph.Node) {
			rng, x := graph.RandomNormal(rng, shapes.Make(dtypes.Float32, bref.Shape().Dim(0), d))
			return x, rng
		})
		if err != nil {
			return nil, err
		}
		in.init = exec
	}
	out, err := in.init.Exec(in.rng, tensors.FromShape(shapes.Make(dtypes.Int8, b)))
	if err != nil {
		return nil, fmt.Errorf("sde: drawing x_T: %w", err)
	}
	in.rng = out[1]
	return out[0], nil
}

// Run integrates the batch x (float32 [b, d], the state at t_from) through steps
// from..to-1, returning the state at t_to. It uses ceil((to-from)/K) graph calls.
func (in *Integrator) Run(x *tensors.Tensor, from, to int) (*tensors.Tensor, error) {
	x, _, err := in.RunObserved(x, from, to, nil)
	return x, err
}

// RunObserved is Run with an observer evaluated at t_k before each step k in from..to-1.
// It returns the final state and the observations stacked along a new leading axis, one
// tensor per graph call (shape [steps in that call, b, ...]), in order. With
// Config.FinalDenoise and to = L, the last step is the denoiser (its observation is still
// taken, at t_{L-1} = η).
func (in *Integrator) RunObserved(x *tensors.Tensor, from, to int, obs *Observer) (*tensors.Tensor, []*tensors.Tensor, error) {
	if err := in.checkState(x); err != nil {
		return nil, nil, err
	}
	if from < 0 || to > in.cfg.L || from > to {
		return nil, nil, fmt.Errorf("sde: step range [%d, %d) must satisfy 0 <= from <= to <= L = %d", from, to, in.cfg.L)
	}
	if obs != nil && obs.Fn == nil && obs.Fused == nil {
		return nil, nil, fmt.Errorf("sde: observer %q has neither Fn nor Fused", obs.Name)
	}
	if in.hostScore != nil && (obs == nil || obs.HostFused != nil) {
		return in.runHost(x, from, to, obs)
	}
	var observed []*tensors.Tensor
	b, d := x.Shape().Dim(0), in.Dim()
	K := in.StepsPerCall(b)
	type call struct{ k, nk int }
	var calls []call
	for k := from; k < to; k += min(K, to-k) {
		calls = append(calls, call{k, min(K, to-k)})
	}
	// The call that holds step L-1 ends with the denoiser: it needs no noise for that step,
	// but the draw is still reserved so that the stream does not depend on the option.
	final := func(i int) bool { return in.cfg.FinalDenoise && i == len(calls)-1 && to == in.cfg.L }
	// Host noise is drawn one call ahead, in a goroutine, while the graph runs (the pure-Go
	// backend's elementwise ops are single-threaded, so another core is usually idle).
	var next chan []float32
	prefetch := func(i int) {
		next = nil
		if !in.host || i >= len(calls) {
			return
		}
		ch := make(chan []float32, 1)
		first := in.reserve(calls[i].nk)
		draws := calls[i].nk
		if final(i) {
			draws--
		}
		go func() { ch <- in.fillNormal(b*d, draws, first, in.cfg.Method.Step(in.eta).Noise) }()
		next = ch
	}
	prefetch(0)
	for i, c := range calls {
		exec, err := in.exec(c.nk, obs, final(i))
		if err != nil {
			return nil, nil, err
		}
		args := []any{x, float32(c.k)}
		if in.host { // one [b, d] input per noisy step: no slicing copies inside the graph
			noise := <-next
			for j := range len(noise) / (b * d) {
				args = append(args, tensors.FromFlatDataAndDimensions(noise[j*b*d:(j+1)*b*d], b, d))
			}
			prefetch(i + 1)
		} else {
			args = append(args, in.rng)
		}
		out, err := exec.Exec(args...)
		if err != nil {
			if next != nil {
				<-next
			}
			return nil, nil, fmt.Errorf("sde: steps %d..%d: %w", c.k, c.k+c.nk, err)
		}
		x = out[0]
		if !in.host {
			in.rng = out[1]
		}
		if obs != nil {
			observed = append(observed, out[2])
		}
	}
	return x, observed, nil
}

func (in *Integrator) checkState(x *tensors.Tensor) error {
	if x == nil {
		return fmt.Errorf("sde: state x is nil")
	}
	s := x.Shape()
	if s.DType != dtypes.Float32 || s.Rank() != 2 || s.Dim(1) != in.Dim() {
		return fmt.Errorf("sde: state x must be float32 [b, %d], got %s", in.Dim(), s)
	}
	if s.Dim(0) < 1 {
		return fmt.Errorf("sde: state x has an empty batch")
	}
	return nil
}

// exec returns (compiling on first use) the graph running nk fused steps, the last of which
// is the denoiser when final is set.
func (in *Integrator) exec(nk int, obs *Observer, final bool) (*model.Exec, error) {
	key := execKey{nk, obs, final}
	if e, ok := in.execs[key]; ok {
		return e, nil
	}
	eta := in.eta
	L, s, host := in.cfg.L, in.score, in.host
	step := in.cfg.Method.Step(eta) // eq. (55) or the exponential integrator
	last := DenoiseStep(eta)        // the noise-free step from t = η to 0 (Denoise)
	// Inputs: x, k0, then the graph RNG state or, with host noise, one noise tensor [b, d]
	// per noisy step (nk, or nk-1 when the last step is the denoiser).
	exec, err := model.NewExec(in.backend, in.store, func(_ *model.Scope, inputs []*graph.Node) []*graph.Node {
		x, k0 := inputs[0], inputs[1]
		var rng *graph.Node
		if !host {
			rng = inputs[2]
		}
		var obsOut []*graph.Node
		for j := range nk {
			// t_k = η (L - k): exact in float32 for integer k < 2^24, rounded once.
			t := graph.MulScalar(graph.SubScalar(graph.Neg(k0), float64(j-L)), eta)
			var f *graph.Node
			switch {
			case obs != nil && obs.Fused != nil:
				var o *graph.Node
				f, o = obs.Fused(x, t)
				obsOut = append(obsOut, o)
			case obs != nil:
				obsOut = append(obsOut, obs.Fn(x, t))
				f = s.Graph(x, t)
			default:
				f = s.Graph(x, t)
			}
			if final && j == nk-1 {
				if !host { // advance the RNG as a noisy step would; the draw is unused
					rng, _ = Normal(rng, x.Shape())
				}
				x = last.Graph(x, f, nil)
				continue
			}
			var xi *graph.Node
			if host { // already scaled by step.Noise
				xi = inputs[2+j]
			} else {
				rng, xi = Normal(rng, x.Shape())
				xi = graph.MulScalar(xi, step.Noise)
			}
			x = step.Graph(x, f, xi)
		}
		if host {
			rng = graph.ScalarZero(x.Graph(), dtypes.Float32) // nothing to carry
		}
		out := []*graph.Node{x, rng}
		if obs != nil {
			out = append(out, graph.Stack(obsOut, 0))
		}
		return out
	})
	if err != nil {
		return nil, fmt.Errorf("sde: building the %d-step graph: %w", nk, err)
	}
	in.execs[key] = exec
	return exec, nil
}
