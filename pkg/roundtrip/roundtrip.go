package roundtrip

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	"github.com/gomlx/gomlx/core/tensors"
	"gonum.org/v1/gonum/integrate/quad"

	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/flow"
	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/numeric"
	"github.com/diffregimes/diffregimes/pkg/ou"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

// Backward is a backward process that can start at an intermediate time: Grid rounds t to
// the process's time grid, and From runs the points x (row-major [b, d], the state at
// Grid(t)) to t = 0.
type Backward interface {
	Dim() int
	Grid(t float64) (float64, error)
	From(x []float32, t float64) ([]float32, error)
}

type sdeBackward struct{ in *sde.Integrator }

// SDE adapts the integrator of the backward SDE of eq. (3) (package sde).
func SDE(in *sde.Integrator) Backward { return sdeBackward{in} }

func (s sdeBackward) Dim() int { return s.in.Dim() }

func (s sdeBackward) Grid(t float64) (float64, error) {
	k, err := s.in.StepAt(t)
	if err != nil {
		return 0, err
	}
	return s.in.Time(k), nil
}

func (s sdeBackward) From(x []float32, t float64) ([]float32, error) {
	k, err := s.in.StepAt(t)
	if err != nil {
		return nil, err
	}
	d := s.in.Dim()
	y, err := s.in.Run(tensors.FromFlatDataAndDimensions(slices.Clone(x), len(x)/d, d), k, s.in.Config().L)
	if err != nil {
		return nil, err
	}
	return tensors.CopyFlatData[float32](y)
}

type odeBackward struct{ in *flow.Integrator }

// ODE adapts the probability-flow ODE integrator of package flow.
func ODE(in *flow.Integrator) Backward { return odeBackward{in} }

func (o odeBackward) Dim() int { return o.in.Dim() }

func (o odeBackward) step(t float64) (int, error) {
	T := o.in.Config().T
	if !(t > 0 && t <= T) {
		return 0, fmt.Errorf("roundtrip: time t = %g outside (0, T = %g]", t, T)
	}
	k := int(math.Round((T - t) / o.in.Eta()))
	if k >= o.in.Config().L {
		return 0, fmt.Errorf("roundtrip: time t = %g rounds to t = 0 on the grid (η = %g)", t, o.in.Eta())
	}
	return k, nil
}

func (o odeBackward) Grid(t float64) (float64, error) {
	k, err := o.step(t)
	if err != nil {
		return 0, err
	}
	return o.in.Time(k), nil
}

func (o odeBackward) From(x []float32, t float64) ([]float32, error) {
	k, err := o.step(t)
	if err != nil {
		return nil, err
	}
	return o.in.Run(x, k, o.in.Config().L)
}

// Options configure Run.
type Options struct {
	Times   []float64                  // noising times t, rounded to the process's grid
	Seed    uint64                     // seed of the forward noise ξ of eq. (1)
	Classes map[string]clone.ClassFunc // for each name, P(label(endpoint) = label(a)) is estimated
}

// Result holds, for each time Times[i] (sorted decreasing, on the grid), the estimates
// Same[name][i] (with three standard errors, clone.Bernoulli) over the n data points.
type Result struct {
	Times []float64
	Same  map[string][]clone.Estimate
}

// Run performs the forward-backward experiment on the n data points a (row-major [n, d]):
// for each time t, each point is noised to x(t) = e^{−t} a + sqrt(Δ_t) ξ (eq. 1 solved,
// eq. 2) with fresh seeded noise and run back to 0 by bw; for each class function it
// estimates φ_U(t) = P(label(x(0)) = label(a)). For the SDE with the exact score, (a, x(0))
// has the law of the two clones of the cloning protocol made at t (doc.go), so φ_U = φ.
func Run(bw Backward, a []float32, n int, opt Options) (*Result, error) {
	if bw == nil {
		return nil, fmt.Errorf("roundtrip: backward process is nil")
	}
	d := bw.Dim()
	switch {
	case n < 1 || len(a) != n*d:
		return nil, fmt.Errorf("roundtrip: %d values for n = %d points of dimension d = %d", len(a), n, d)
	case len(opt.Times) == 0:
		return nil, fmt.Errorf("roundtrip: no times")
	case len(opt.Classes) == 0:
		return nil, fmt.Errorf("roundtrip: no class functions")
	}
	names := make([]string, 0, len(opt.Classes))
	for name := range opt.Classes {
		names = append(names, name)
	}
	sort.Strings(names)
	ref := map[string][]int{}
	for _, name := range names {
		l, err := opt.Classes[name](a, n, d)
		if err != nil {
			return nil, fmt.Errorf("roundtrip: labelling the data with %q: %w", name, err)
		}
		ref[name] = l
	}
	times := make([]float64, 0, len(opt.Times))
	for _, t := range opt.Times {
		tg, err := bw.Grid(t)
		if err != nil {
			return nil, err
		}
		times = append(times, tg)
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(times)))
	res := &Result{Times: times, Same: map[string][]clone.Estimate{}}
	rng := rand.New(rand.NewPCG(opt.Seed, 0x243f6a8885a308d3))
	x := make([]float32, len(a))
	for _, t := range times {
		e, s := math.Exp(-t), math.Sqrt(ou.Delta(t))
		for i, v := range a {
			x[i] = float32(e*float64(v) + s*rng.NormFloat64())
		}
		y, err := bw.From(x, t)
		if err != nil {
			return nil, fmt.Errorf("roundtrip: t = %g: %w", t, err)
		}
		for _, name := range names {
			l, err := opt.Classes[name](y, n, d)
			if err != nil {
				return nil, fmt.Errorf("roundtrip: labelling the endpoints with %q: %w", name, err)
			}
			same := 0
			for i := range l {
				if l[i] == ref[name][i] {
					same++
				}
			}
			res.Same[name] = append(res.Same[name], clone.Bernoulli(same, n))
		}
	}
	return res, nil
}

// MixtureODEPhi returns φ_U(t) of the probability-flow ODE for the two-cluster mixture with
// the class sign(x·m) (eq. R1 of doc.go):
//
//	φ_U^ODE(t) = E_z[Φ(e^{−t} |M + σ z| / sqrt(Δ_t))],   z ~ N(0, 1),   M = μ̃ sqrt(d),
//
// by 100-point Gauss-Legendre quadrature on each side of the kink z = −M/σ within
// z ∈ [−12, 12]. NaN for t <= 0 or an invalid
// mixture.
func MixtureODEPhi(m gmm.Mixture, t float64) float64 {
	if m.Validate() != nil || !(t > 0) {
		return math.NaN()
	}
	M, e, sd := m.M(), math.Exp(-t), math.Sqrt(ou.Delta(t))
	f := func(z float64) float64 {
		q := math.Abs(M + m.Sigma*z)
		return math.Exp(-z*z/2) / math.Sqrt(2*math.Pi) * 0.5 * math.Erfc(-e*q/sd/math.Sqrt2)
	}
	k := math.Max(-12, math.Min(12, -M/m.Sigma))
	return quad.Fixed(f, -12, k, 100, quad.Legendre{}, 0) + quad.Fixed(f, k, 12, 100, quad.Legendre{}, 0)
}

// ODECrossing returns the time at which MixtureODEPhi crosses the level p in (½, 1), by
// bisection on t ∈ (1e-9, 20].
func ODECrossing(m gmm.Mixture, p float64) (float64, error) {
	if err := m.Validate(); err != nil {
		return math.NaN(), err
	}
	if !(p > 0.5 && p < 1) {
		return math.NaN(), fmt.Errorf("roundtrip: ODECrossing: level %g outside (½, 1)", p)
	}
	return numeric.Bisect(func(t float64) float64 { return MixtureODEPhi(m, t) - p }, 1e-9, 20, 1e-10)
}
