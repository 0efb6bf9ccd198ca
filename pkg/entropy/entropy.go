package entropy

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/numeric"
	"github.com/diffregimes/diffregimes/pkg/score"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

// Estimate is a mean over the n' samples with the paper's error bar, three standard errors.
type Estimate struct {
	Value, Err float64
}

// Estimator computes s^e(t) (Entropy) and f^e(t) (Excess, the paper's estimator; ExcessCV,
// with a control variate) for one dataset. Samples are drawn from one seeded stream: the data
// indices μν by a PCG on the host, the noise ξ by the graph RNG; each call takes fresh samples.
type Estimator struct {
	ds    *score.Dataset
	batch int
	pick  *rand.Rand
	rng   *tensors.Tensor
	exec  *model.Exec
}

// New prepares the estimator on backend b; batch is the number of samples per graph call
// (default 4096 when <= 0), seed the seed of the sample stream.
func New(b compute.Backend, ds *score.Dataset, batch int, seed int64) (*Estimator, error) {
	if b == nil {
		return nil, fmt.Errorf("entropy: backend is nil")
	}
	if ds == nil {
		return nil, fmt.Errorf("entropy: dataset is nil")
	}
	if batch <= 0 {
		batch = 4096
	}
	rng, err := graph.RNGStateFromSeed(seed)
	if err != nil {
		return nil, err
	}
	e := &Estimator{ds: ds, batch: batch, rng: rng, pick: rand.New(rand.NewPCG(uint64(seed), 0x656e74726f7079))}
	n, d := float64(ds.N()), float64(ds.Dim())
	e.exec, err = model.NewExec(b, ds.Store(), func(_ *model.Scope, a, rng, t *graph.Node) (*graph.Node, *graph.Node, *graph.Node) {
		decay, delta := score.DecayDelta(t)
		var xi *graph.Node
		rng, xi = sde.Normal(rng, a.Shape())
		x := graph.Add(graph.Mul(a, decay), graph.Mul(xi, graph.Sqrt(delta)))
		c1 := graph.Div(decay, delta)
		c2 := graph.Div(graph.MulScalar(graph.Mul(decay, decay), -0.5), delta)
		lse := ds.LogSumExp(x, c1, c2) // log Σ_μ exp(-(|x - a_μ e^{-t}|² - |x|²)/(2Δ))
		x2 := graph.ReduceSum(graph.Mul(x, x), 1)
		// -log P^e_t(x)/d, eq. (57) with its (2πΔ)^{-d/2} normalisation.
		logP := graph.Sub(lse, graph.Div(x2, graph.MulScalar(delta, 2)))
		logP = graph.Sub(logP, graph.AddScalar(graph.MulScalar(graph.Log(graph.MulScalar(delta, 2*math.Pi)), d/2), math.Log(n)))
		// The control-variate term of ExcessCV: lse minus its own-point term
		// c1 x·a + c2 |a|² = (|x|² - Δ|ξ|²)/(2Δ), i.e. log(1 + Σ_{μ≠μν} …) >= 0 (float32
		// rounding of the large common part can push it a hair below: clamped).
		own := graph.Add(graph.Mul(graph.ReduceSum(graph.Mul(x, a), 1), c1), graph.Mul(graph.ReduceSum(graph.Mul(a, a), 1), c2))
		cv := graph.DivScalar(graph.Max(graph.Sub(lse, own), graph.ZerosLike(lse)), d)
		return graph.DivScalar(graph.Neg(logP), d), cv, rng
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Entropy returns s^e(t) of eq. (56) from nPrime samples of P^e_t, with 3 standard errors.
// It returns an error for t <= 0 or nPrime < 2.
func (e *Estimator) Entropy(t float64, nPrime int) (Estimate, error) {
	return e.mean(t, nPrime, 0)
}

// mean returns the mean over nPrime samples of P^e_t of the graph's per-sample output out
// (0: -log P^e_t/d, 1: the control-variate term of ExcessCV), with 3 standard errors.
func (e *Estimator) mean(t float64, nPrime, out int) (Estimate, error) {
	if !(t > 0) || math.IsInf(t, 0) {
		return Estimate{}, fmt.Errorf("entropy: time t must be > 0 and finite, got %g", t)
	}
	if nPrime < 2 {
		return Estimate{}, fmt.Errorf("entropy: number of samples n' must be >= 2, got %d", nPrime)
	}
	d, n := e.ds.Dim(), e.ds.N()
	var sum, sum2 float64
	rows := make([]float32, 0, e.batch*d)
	for done := 0; done < nPrime; done += e.batch {
		b := min(e.batch, nPrime-done)
		rows = rows[:0]
		for range b {
			rows = append(rows, e.ds.Point(e.pick.IntN(n))...)
		}
		res, err := e.exec.Exec(tensors.FromFlatDataAndDimensions(rows, b, d), e.rng, float32(t))
		if err != nil {
			return Estimate{}, fmt.Errorf("entropy: t = %g: %w", t, err)
		}
		e.rng = res[2]
		v, err := tensors.CopyFlatData[float32](res[out])
		if err != nil {
			return Estimate{}, err
		}
		for _, s := range v {
			sum += float64(s)
			sum2 += float64(s) * float64(s)
		}
	}
	mean := sum / float64(nPrime)
	variance := max(sum2/float64(nPrime)-mean*mean, 0) * float64(nPrime) / float64(nPrime-1)
	return Estimate{Value: mean, Err: 3 * math.Sqrt(variance/float64(nPrime))}, nil
}

// Excess returns the empirical excess entropy density f^e(t) = s^sep(t) - s^e(t) (main text,
// after eq. 5) from nPrime samples, the paper's estimator: s^e from eq. (56) with P^e_t of
// eq. (57); the error bar is that of s^e. See ExcessCV for the same quantity with far
// smaller error bars.
func (e *Estimator) Excess(t float64, nPrime int) (Estimate, error) {
	s, err := e.Entropy(t, nPrime)
	if err != nil {
		return Estimate{}, err
	}
	return Estimate{Value: gmm.SeparatedEntropy(t, e.ds.N(), e.ds.Dim()) - s.Value, Err: s.Err}, nil
}

// ExcessCV returns f^e(t), the quantity of Excess, from nPrime samples with a control
// variate. Inserting eq. (57) into eq. (56), the normalisations cancel against s^sep and
//
//	f^e(t) = E_ν[ 1/2 + (1/d) log Σ_μ exp(-|x_ν - a_μ e^{-t}|²/(2Δ_t)) ].
//
// The μ = μν term of the sum is exp(-|ξ_ν|²/2), and E[1/2 - |ξ_ν|²/(2d)] = 0 exactly, so
//
//	f^e(t) = E_ν[ (1/d) log(1 + Σ_{μ≠μν} exp(-(|x_ν - a_μ e^{-t}|² - Δ_t|ξ_ν|²)/(2Δ_t))) ]
//
// has the same expectation without the χ²_d fluctuation of |ξ_ν|², whose standard deviation
// (1/sqrt(2d) per sample) otherwise dominates the error bar of Excess: the paper needs
// n' = 400 000 samples with the plain estimator, a few thousand suffice here. Each term is
// >= 0, which makes f^e -> 0+ below t_C manifest (so that its "zero" is best read at a small
// level, see CollapseTimeAt). The samples come from the estimator's stream, as for Excess.
func (e *Estimator) ExcessCV(t float64, nPrime int) (Estimate, error) {
	return e.mean(t, nPrime, 1)
}

// CollapseTime estimates t_C as "the largest time at which f^e(t) = 0" (main text, after
// eq. 10) from estimates fe at times ts (any order): the largest time at which the error
// bar of f^e reaches zero, i.e. where fe.Value - fe.Err crosses 0, linearly interpolated
// between neighbouring times. ok is false when it does not cross. It is CollapseTimeAt at
// level 0.
//
// The error bar matters: for any finite n and d, f^e(t) = (1/d) E log(1 + Z_{2..n}/Z_1) > 0
// strictly (Z_1 the term of the sample's own training point, eq. 9), so f^e vanishes only
// up to O(1/d) and sampling noise; a plain sign change would be decided by noise.
func CollapseTime(ts []float64, fe []Estimate) (tC float64, ok bool) {
	return CollapseTimeAt(ts, fe, 0)
}

// CollapseTimeAt is CollapseTime read at a level: the largest time at which fe.Value − fe.Err
// crosses level, linearly interpolated between neighbouring times (numeric.Crossing). ok is
// false when there is none (or len(ts) != len(fe)). With the small error bars of ExcessCV,
// f^e decays to 0 from above without crossing it, and its "zero" is read at a level instead,
// e.g. f^e = log(2)/d, where Z_1 equals Z_{2..n} (the midpoint of the finite-d crossover of
// eq. 9); pass Err = 0 to read the values themselves.
func CollapseTimeAt(ts []float64, fe []Estimate, level float64) (tC float64, ok bool) {
	if len(ts) != len(fe) {
		return math.NaN(), false
	}
	low := make([]float64, len(fe))
	for i, e := range fe {
		low[i] = e.Value - e.Err
	}
	t, err := numeric.Crossing(ts, low, level)
	return t, err == nil
}
