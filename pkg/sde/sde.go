package sde

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/diffregimes/diffregimes/pkg/ou"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/diffregimes/diffregimes/pkg/score"
)

// Method selects the discretisation of the backward SDE of eq. (3).
type Method int

const (
	// EulerMaruyama is the paper's discretisation, eq. (55):
	//
	//	x(t - η) = x(t) + η [x(t) + 2 F(x(t), t)] + sqrt(2η) ξ.
	EulerMaruyama Method = iota
	// Exponential integrates the linear drift +x exactly over a step and freezes F:
	//
	//	x(t - η) = e^η x(t) + 2 (e^η - 1) F(x(t), t) + sqrt(e^{2η} - 1) ξ,
	//
	// which reduces to eq. (55) to first order in η and has exact OU noise variance.
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

// Config holds the discretisation parameters. Zero fields take the paper's defaults.
type Config struct {
	T      float64 // time horizon; default 10 (SI D.1)
	L      int     // number of steps, η = T/L; default 1000 (SI D.1)
	K      int     // steps fused into one graph call; 0: automatic (see Integrator.StepsPerCall)
	Method Method  // default EulerMaruyama (eq. 55)
	Noise  Noise   // default NoiseAuto
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
}

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
	calls   uint64          // host noise: stream counter, one per draw
	execs   map[execKey]*model.Exec
	init    *model.Exec
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
	if cfg.T == 0 {
		cfg.T = 10
	}
	if cfg.L == 0 {
		cfg.L = 1000
	}
	switch {
	case !(cfg.T > 0) || math.IsInf(cfg.T, 0):
		return nil, fmt.Errorf("sde: horizon T must be > 0 and finite, got %g", cfg.T)
	case cfg.L < 1:
		return nil, fmt.Errorf("sde: number of steps L must be >= 1, got %d", cfg.L)
	case cfg.K < 0:
		return nil, fmt.Errorf("sde: fused steps K must be >= 0 (0: automatic), got %d", cfg.K)
	case cfg.Method != EulerMaruyama && cfg.Method != Exponential:
		return nil, fmt.Errorf("sde: unknown method %d", cfg.Method)
	case cfg.Noise < NoiseAuto || cfg.Noise > NoiseHost:
		return nil, fmt.Errorf("sde: unknown noise source %d", cfg.Noise)
	}
	rng, err := graph.RNGStateFromSeed(cfg.Seed)
	if err != nil {
		return nil, fmt.Errorf("sde: seeding the RNG: %w", err)
	}
	host := cfg.Noise == NoiseHost || (cfg.Noise == NoiseAuto && b.String() == "go")
	return &Integrator{cfg: cfg, eta: cfg.T / float64(cfg.L), backend: b, score: s, host: host,
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
	case in.backend.String() != "go":
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
		go func() { ch <- in.fillNormal(b*d, draws, first, in.noiseScale()) }()
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
	// x(t - η) = a x + bf F(x, t) + noiseScale ξ:
	// eq. (55): a = 1 + η, bf = 2η, noiseScale = sqrt(2η);
	// exponential integrator: a = e^η, bf = 2(e^η - 1), noiseScale = sqrt(e^{2η} - 1).
	a, bf, noiseScale := 1+eta, 2*eta, in.noiseScale()
	if in.cfg.Method == Exponential {
		a, bf = math.Exp(eta), 2*math.Expm1(eta)
	}
	// The denoiser from t = η (Denoise): x̂(0) = e^η x + e^η Δ_η F.
	da, dbf := math.Exp(eta), math.Exp(eta)*ou.Delta(eta)
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
				x = graph.Add(graph.MulScalar(x, da), graph.MulScalar(f, dbf))
				continue
			}
			var xi *graph.Node
			if host { // already scaled by noiseScale
				xi = inputs[2+j]
			} else {
				rng, xi = Normal(rng, x.Shape())
				xi = graph.MulScalar(xi, noiseScale)
			}
			x = graph.Add(graph.Add(graph.MulScalar(x, a), graph.MulScalar(f, bf)), xi)
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

// Denoise returns the noise-free step from time t to 0 for the points x (row-major [b, d],
// d the evaluator's score dimension),
//
//	x̂(0) = e^{t} (x + Δ_t F(x, t)),   Δ_t = 1 - e^{-2t},
//
// the posterior mean E[a | x(t) = x] of the forward process x(t) = e^{-t} a + sqrt(Δ_t) ξ
// (Tweedie's formula, exact for the exact score). It is the DDPM sampler's last step, eq. (61)
// with z = 0 at t' = 1 (where 1 - ᾱ_1 = β_1), written with the score F = -ε_θ/sqrt(1-ᾱ) and t of
// eq. (59). For the exact empirical score it is the softmax-weighted mean of the training
// points, which sits on a_μ once a trajectory has collapsed; a last Euler-Maruyama step would
// instead add noise of norm sqrt(2ηd) at t = 0 (7.2 for η = 0.025, d = 1024). Config.FinalDenoise
// makes the integrator end its chain with this step from t = η, inside the step graph.
// It returns an error for t <= 0 or x that is not a non-empty multiple of d.
func Denoise(ev *score.Evaluator, x []float32, t float64) ([]float32, error) {
	if ev == nil {
		return nil, fmt.Errorf("sde: Denoise: evaluator is nil")
	}
	if !(t > 0) || math.IsInf(t, 0) {
		return nil, fmt.Errorf("sde: Denoise: time t must be > 0 and finite, got %g", t)
	}
	f, err := ev.Eval(x, t)
	if err != nil {
		return nil, fmt.Errorf("sde: Denoise: %w", err)
	}
	et, delta := math.Exp(t), ou.Delta(t)
	out := make([]float32, len(x))
	for i := range x {
		out[i] = float32(et * (float64(x[i]) + delta*float64(f[i])))
	}
	return out, nil
}

// Normal returns standard normal values of the given float shape and the advanced RNG state.
// It is Box-Muller using both outputs of each uniform pair (r cos θ and r sin θ), which halves
// the logarithms and cosines of graph.RandomNormal: on the pure-Go backend those
// transcendentals, not the score, dominate an SDE step of the mixture score.
func Normal(rng *graph.Node, shape shapes.Shape) (newRNG, values *graph.Node) {
	size := shape.Size()
	half := (size + 1) / 2
	g := rng.Graph()
	var u *graph.Node
	newRNG, u = graph.RandomUniform(rng, shapes.Make(shape.DType, 2, half))
	u1 := graph.Max(graph.Slice(u, graph.AxisElem(0)), graph.Const(g, shape.DType.SmallestNonZeroValueForDType()))
	theta := graph.MulScalar(graph.Slice(u, graph.AxisElem(1)), 2*math.Pi)
	r := graph.Sqrt(graph.MulScalar(graph.Log(u1), -2))
	z := graph.Concatenate([]*graph.Node{graph.Mul(r, graph.Cos(theta)), graph.Mul(r, graph.Sin(theta))}, 1)
	z = graph.Reshape(z, 2*half)
	if 2*half != size {
		z = graph.Slice(z, graph.AxisRange(0, size))
	}
	return newRNG, graph.Reshape(z, shape.Dimensions...)
}

// noiseScale is the standard deviation of the noise added by one step.
func (in *Integrator) noiseScale() float64 {
	if in.cfg.Method == Exponential {
		return math.Sqrt(math.Expm1(2 * in.eta))
	}
	return math.Sqrt(2 * in.eta)
}

// hostBlock is the number of normals drawn per PCG stream on the host: blocks are filled in
// parallel, and the values depend only on (seed, draw, block), not on the thread count.
const hostBlock = 1 << 15

// hostNormal returns count draws of per standard normals times scale: the next count draws
// of the host stream.
func (in *Integrator) hostNormal(per, count int, scale float64) []float32 {
	return in.fillNormal(per, count, in.reserve(count), scale)
}

// reserve returns the index of the first of count consecutive draws of the host stream.
func (in *Integrator) reserve(count int) uint64 {
	first := in.calls
	in.calls += uint64(count)
	return first
}

// fillNormal returns count draws of per standard normals times scale, draw i being draw
// first+i of the host stream, so that a step consumes the same draw whatever the number of
// steps fused per call. Draws are split into blocks with their own PCG stream, filled in
// parallel: the values depend only on (seed, draw, block).
func (in *Integrator) fillNormal(per, count int, first uint64, scale float64) []float32 {
	out := make([]float32, per*count)
	nb := (per + hostBlock - 1) / hostBlock
	jobs := nb * count
	workers := min(runtime.GOMAXPROCS(0), jobs)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for job := w; job < jobs; job += workers {
				draw, blk := job/nb, job%nb
				r := rand.New(rand.NewPCG(uint64(in.cfg.Seed), (first+uint64(draw))<<24|uint64(blk)))
				dst := out[draw*per : (draw+1)*per]
				for i := blk * hostBlock; i < min(per, (blk+1)*hostBlock); i++ {
					dst[i] = float32(scale * r.NormFloat64())
				}
			}
		}()
	}
	wg.Wait()
	return out
}
