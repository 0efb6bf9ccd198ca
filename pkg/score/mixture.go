package score

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/core/graph"
)

// Mixture is the exact score of the two-cluster Gaussian mixture of SI D.1: data drawn with
// equal weight from N(+m, σ² I) and N(-m, σ² I) in R^d. Its score is eq. (54):
//
//	F(x, t) = m (e^{-t}/Γ_t) tanh((e^{-t}/Γ_t) x·m) - x/Γ_t,   Γ_t = Δ_t + σ² e^{-2t}.
//
// The paper's Fig. 2 uses m = (1, ..., 1) (μ̃ = 1) and σ = 1.
type Mixture struct {
	M     []float32 // the cluster centre m (length d)
	Sigma float64   // the cluster standard deviation σ
}

// NewMixture validates m (non-empty, finite) and σ > 0.
func NewMixture(m []float32, sigma float64) (*Mixture, error) {
	if len(m) == 0 {
		return nil, fmt.Errorf("score: NewMixture: m is empty")
	}
	for i, v := range m {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("score: NewMixture: m[%d] = %v", i, v)
		}
	}
	if !(sigma > 0) || math.IsInf(sigma, 0) {
		return nil, fmt.Errorf("score: NewMixture: sigma must be > 0 and finite, got %g", sigma)
	}
	return &Mixture{M: append([]float32(nil), m...), Sigma: sigma}, nil
}

// Dim is the dimension d = len(M).
func (s *Mixture) Dim() int { return len(s.M) }

// Graph returns F(x, t) of eq. (54) for x [b, d] float32 and a float32 scalar t > 0.
func (s *Mixture) Graph(x, t *graph.Node) *graph.Node {
	d := s.Dim()
	checkXT(x, t, d, "Mixture")
	g := x.Graph()
	m := graph.Const(g, [][]float32{s.M}) // [1, d]
	decay, delta := DecayDelta(t)
	gamma := graph.Add(delta, graph.MulScalar(graph.Mul(decay, decay), s.Sigma*s.Sigma))
	c := graph.Div(decay, gamma)
	xm := graph.DotGeneral(x, []int{1}, nil, m, []int{1}, nil) // [b, 1]
	coef := graph.Mul(graph.Tanh(graph.Mul(xm, c)), c)         // [b, 1]
	// The outer product coef mᵀ as a matmul: the pure-Go backend's broadcasting
	// [b,1]×[1,d] multiply goes through a generic index iterator, ~10x slower.
	return graph.Sub(graph.MatMul(coef, m), graph.Mul(x, graph.Inverse(gamma)))
}
