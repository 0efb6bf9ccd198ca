package score

import (
	"fmt"
	"sync"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// Empirical is the exact empirical score of eq. (2): the gradient of the log of
//
//	P^e_t(x) = (1/n) Σ_μ (2πΔ_t)^{-d/2} exp(-|x - a_μ e^{-t}|² / (2Δ_t)),   Δ_t = 1 - e^{-2t},
//
// which is
//
//	F(x, t) = (e^{-t} Σ_μ w_μ a_μ - x) / Δ_t,   w_μ = softmax_μ(-|x - a_μ e^{-t}|² / (2Δ_t)).
//
// The softmax is streamed over the dataset's chunks (online log-sum-exp), its logits written
// as (e^{-t} x·a_μ - e^{-2t}|a_μ|²/2)/Δ_t: the |x|² term cancels in the softmax, and the
// remaining product is one matmul per chunk. Empirical implements WithStore: its graph reads
// the dataset from Store().
type Empirical struct {
	Data *Dataset

	hostOnce sync.Once
	host     *HostEmpirical
	hostErr  error
}

// NewEmpirical returns the exact empirical score of the dataset.
func NewEmpirical(ds *Dataset) (*Empirical, error) {
	if ds == nil {
		return nil, fmt.Errorf("score: NewEmpirical: dataset is nil")
	}
	return &Empirical{Data: ds}, nil
}

// Dim is the dimension d of the data.
func (e *Empirical) Dim() int { return e.Data.Dim() }

// Store returns the store holding the dataset.
func (e *Empirical) Store() *model.Store { return e.Data.Store() }

// Graph returns F(x, t) of eq. (2) for x [b, d] float32 and a float32 scalar t > 0.
func (e *Empirical) Graph(x, t *graph.Node) *graph.Node {
	checkXT(x, t, e.Dim(), "Empirical")
	decay, delta := DecayDelta(t)
	c1 := graph.Div(decay, delta)
	c2 := graph.Div(graph.MulScalar(graph.Mul(decay, decay), -0.5), delta)
	mean := e.Data.SoftmaxMean(x, c1, c2)
	return graph.Div(graph.Sub(graph.Mul(mean, decay), x), delta)
}

// Dataset returns the training points.
func (e *Empirical) Dataset() *Dataset { return e.Data }

// Host returns the host kernel of this score (HostEmpirical, built once), the faster path
// on the pure-Go CPU backend (bench/README.md: OpenBLAS's sgemm against the backend's
// matmul), or the error saying why there is none (no BLAS library). Integrators on an
// accelerator keep using Graph.
func (e *Empirical) Host() (*HostEmpirical, error) {
	e.hostOnce.Do(func() { e.host, e.hostErr = NewHostEmpirical(e.Data) })
	return e.host, e.hostErr
}

// GraphNearest returns F(x, t) as Graph does and, from the same logits, μ*(t) =
// argmin_μ |a_μ e^{-t} - x| (int32 [b]): the arg-max of the softmax weights of eq. (2).
// Nearest-neighbour tracking along empirical-score trajectories then costs no extra matmul.
func (e *Empirical) GraphNearest(x, t *graph.Node) (f, idx *graph.Node) {
	checkXT(x, t, e.Dim(), "Empirical")
	decay, delta := DecayDelta(t)
	c1 := graph.Div(decay, delta)
	c2 := graph.Div(graph.MulScalar(graph.Mul(decay, decay), -0.5), delta)
	mean, idx := e.Data.SoftmaxMeanArgMax(x, c1, c2)
	return graph.Div(graph.Sub(graph.Mul(mean, decay), x), delta), idx
}

// DecayDelta returns e^{-t} and Δ_t = 1 - e^{-2t} = -expm1(-2t) as graph scalars (expm1 keeps
// Δ_t ≈ 2t accurate at small t, where 1 - e^{-2t} would lose digits in float32).
func DecayDelta(t *graph.Node) (decay, delta *graph.Node) {
	decay = graph.Exp(graph.Neg(t))
	delta = graph.Neg(graph.Expm1(graph.MulScalar(t, -2)))
	return decay, delta
}

func checkXT(x, t *graph.Node, d int, who string) {
	if x.Rank() != 2 || x.Shape().Dim(1) != d || x.DType() != dtypes.Float32 {
		panic(fmt.Sprintf("score: %s.Graph: x must be float32 [b, %d], got %s", who, d, x.Shape()))
	}
	if t.Rank() != 0 || t.DType() != dtypes.Float32 {
		panic(fmt.Sprintf("score: %s.Graph: t must be a float32 scalar, got %s", who, t.Shape()))
	}
}

// Empirical reads its dataset from a store, so integrators must run it with that store.
var (
	_ WithStore   = (*Empirical)(nil)
	_ WithNearest = (*Empirical)(nil)
)
