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
	"github.com/diffregimes/diffregimes/pkg/score"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

// Estimate is a mean over the n' samples with the paper's error bar, three standard errors.
type Estimate struct {
	Value, Err float64
}

// Estimator computes s^e(t) and f^e(t) for one dataset. Samples are drawn from one seeded
// stream: the data indices μν by a PCG on the host, the noise ξ by the graph RNG.
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
	e.exec, err = model.NewExec(b, ds.Store(), func(_ *model.Scope, a, rng, t *graph.Node) (*graph.Node, *graph.Node) {
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
		return graph.DivScalar(graph.Neg(logP), d), rng
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Entropy returns s^e(t) of eq. (56) from nPrime samples of P^e_t, with 3 standard errors.
// It returns an error for t <= 0 or nPrime < 2.
func (e *Estimator) Entropy(t float64, nPrime int) (Estimate, error) {
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
		out, err := e.exec.Exec(tensors.FromFlatDataAndDimensions(rows, b, d), e.rng, float32(t))
		if err != nil {
			return Estimate{}, fmt.Errorf("entropy: t = %g: %w", t, err)
		}
		e.rng = out[1]
		v, err := tensors.CopyFlatData[float32](out[0])
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
// after eq. 5) from nPrime samples; the error bar is that of s^e.
func (e *Estimator) Excess(t float64, nPrime int) (Estimate, error) {
	s, err := e.Entropy(t, nPrime)
	if err != nil {
		return Estimate{}, err
	}
	return Estimate{Value: gmm.SeparatedEntropy(t, e.ds.N(), e.ds.Dim()) - s.Value, Err: s.Err}, nil
}

// CollapseTime estimates t_C as "the largest time at which f^e(t) = 0" (main text, after
// eq. 10) from estimates fe at times ts (any order): the largest time at which the error
// bar of f^e reaches zero, i.e. where fe.Value - fe.Err crosses 0, linearly interpolated
// between neighbouring times. ok is false when it does not cross.
//
// The error bar matters: for any finite n and d, f^e(t) = (1/d) E log(1 + Z_{2..n}/Z_1) > 0
// strictly (Z_1 the term of the sample's own training point, eq. 9), so f^e vanishes only
// up to O(1/d) and sampling noise; a plain sign change would be decided by noise.
func CollapseTime(ts []float64, fe []Estimate) (tC float64, ok bool) {
	if len(ts) != len(fe) {
		return math.NaN(), false
	}
	idx := make([]int, len(ts))
	for i := range idx {
		idx[i] = i
	}
	// sort indices by decreasing time (insertion sort: the lists are short)
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && ts[idx[j]] > ts[idx[j-1]]; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	low := func(i int) float64 { return fe[i].Value - fe[i].Err }
	for k := 1; k < len(idx); k++ {
		hi, lo := idx[k-1], idx[k]
		if low(hi) > 0 && low(lo) <= 0 {
			w := low(hi) / (low(hi) - low(lo))
			return ts[hi] + w*(ts[lo]-ts[hi]), true
		}
	}
	return math.NaN(), false
}
