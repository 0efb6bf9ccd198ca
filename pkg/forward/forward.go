package forward

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/diffregimes/diffregimes/pkg/ou"
	"github.com/diffregimes/diffregimes/pkg/score"
	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// Graph returns x(t) = e^{-t} a + sqrt(Δ_t) ξ, eq. (2), for a and xi of the same shape and a scalar
// time t (all float32), with e^{-t} and Δ_t from score.DecayDelta.
func Graph(a, xi, t *graph.Node) *graph.Node {
	decay, delta := score.DecayDelta(t)
	dims := a.Shape().Dimensions
	decay = graph.BroadcastToDims(decay, dims...)
	noise := graph.BroadcastToDims(graph.Sqrt(delta), dims...)
	return graph.Add(graph.Mul(decay, a), graph.Mul(noise, xi))
}

// Sampler evaluates Graph, and the per-sample spread used by VarianceCurve, on a backend.
type Sampler struct {
	apply, spread *graph.Exec
}

// NewSampler compiles the forward-process graphs for backend b.
func NewSampler(b compute.Backend) (*Sampler, error) {
	if b == nil {
		return nil, fmt.Errorf("forward: NewSampler: backend is nil")
	}
	apply, err := graph.NewExec(b, Graph)
	if err != nil {
		return nil, err
	}
	// spread: x(t), centred by the column (coordinate) means over the batch, then the mean square of
	// each row: s_μ = (1/d) Σ_j (x_j^μ(t) - m_j)², whose average over μ is the per-coordinate variance.
	spread, err := graph.NewExec(b, func(a, xi, t *graph.Node) *graph.Node {
		x := Graph(a, xi, t)
		m := graph.ReduceAndKeep(x, graph.ReduceMean, 0)
		c := graph.Sub(x, graph.BroadcastToDims(m, x.Shape().Dimensions...))
		return graph.ReduceMean(graph.Square(c), 1)
	})
	if err != nil {
		return nil, err
	}
	return &Sampler{apply: apply, spread: spread}, nil
}

func checkBatch(fn string, a, xi []float32, n, d int, t float64) error {
	switch {
	case n < 1 || d < 1:
		return fmt.Errorf("forward: %s: n=%d, d=%d must be >= 1", fn, n, d)
	case len(a) != n*d:
		return fmt.Errorf("forward: %s: a has %d values, want n*d = %d", fn, len(a), n*d)
	case len(xi) != n*d:
		return fmt.Errorf("forward: %s: xi has %d values, want n*d = %d", fn, len(xi), n*d)
	case !(t >= 0) || math.IsInf(t, 0):
		return fmt.Errorf("forward: %s: time t must be >= 0 and finite, got %g", fn, t)
	}
	return nil
}

// Apply returns x(t) for the rows of a ([n, d], row-major) and the standard normal noise xi (same shape).
func (s *Sampler) Apply(a, xi []float32, n, d int, t float64) ([]float32, error) {
	if err := checkBatch("Apply", a, xi, n, d, t); err != nil {
		return nil, err
	}
	out, err := s.apply.Exec(tensors.FromFlatDataAndDimensions(a, n, d), tensors.FromFlatDataAndDimensions(xi, n, d), float32(t))
	if err != nil {
		return nil, err
	}
	return tensors.CopyFlatData[float32](out[0])
}

// Noise returns n*d standard normal values from a PCG generator seeded with (seed, stream): the same
// arguments always give the same noise.
func Noise(n, d int, seed, stream uint64) []float32 {
	r := rand.New(rand.NewPCG(seed, stream))
	xi := make([]float32, n*d)
	for i := range xi {
		xi[i] = float32(r.NormFloat64())
	}
	return xi
}

// Point is the measured and predicted per-coordinate variance of x(t) at one time.
type Point struct {
	T, Delta  float64 // time and Δ_t
	Variance  float64 // measured (1/d) Σ_j Var_μ[x_j(t)], unbiased over the n samples
	StdErr    float64 // its standard error over the n independent samples
	Predicted float64 // e^{-2t} v_a + Δ_t with v_a the same statistic of the data (t = 0)
}

// VarianceCurve draws one noise vector per data point for each time in ts (seeded by seed and the
// time's index), runs x(t) through the graph, and returns the measured per-coordinate variance next
// to eq. (2)'s prediction. a holds n >= 2 rows of dimension d.
func (s *Sampler) VarianceCurve(a []float32, n, d int, ts []float64, seed uint64) ([]Point, error) {
	if n < 2 {
		return nil, fmt.Errorf("forward: VarianceCurve: n=%d samples, need n >= 2 for a variance", n)
	}
	if len(ts) == 0 {
		return nil, fmt.Errorf("forward: VarianceCurve: no times")
	}
	zero := make([]float32, n*d)
	va, _, err := s.variance(a, zero, n, d, 0)
	if err != nil {
		return nil, err
	}
	pts := make([]Point, len(ts))
	for k, t := range ts {
		v, se, err := s.variance(a, Noise(n, d, seed, uint64(k)), n, d, t)
		if err != nil {
			return nil, err
		}
		pts[k] = Point{T: t, Delta: ou.Delta(t), Variance: v, StdErr: se, Predicted: math.Exp(-2*t)*va + ou.Delta(t)}
	}
	return pts, nil
}

// variance returns mean_μ s_μ · n/(n-1) and its standard error std(s_μ)/sqrt(n) · n/(n-1).
func (s *Sampler) variance(a, xi []float32, n, d int, t float64) (v, se float64, err error) {
	if err := checkBatch("VarianceCurve", a, xi, n, d, t); err != nil {
		return 0, 0, err
	}
	out, err := s.spread.Exec(tensors.FromFlatDataAndDimensions(a, n, d), tensors.FromFlatDataAndDimensions(xi, n, d), float32(t))
	if err != nil {
		return 0, 0, err
	}
	sm, err := tensors.CopyFlatData[float32](out[0])
	if err != nil {
		return 0, 0, err
	}
	var mean, m2 float64
	for i, x := range sm { // Welford: stable mean and variance of the s_μ
		dx := float64(x) - mean
		mean += dx / float64(i+1)
		m2 += dx * (float64(x) - mean)
	}
	corr := float64(n) / float64(n-1)
	return mean * corr, math.Sqrt(m2/float64(n-1)/float64(n)) * corr, nil
}
