package hier

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/core/graph"

	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/score"
)

// OrthoTol is the largest |m₁·m₂| / (|m₁| |m₂|) that NewMixture accepts as orthogonal: the
// factorisation of eq. (H2) needs m₁·m₂ = 0, and float32 centres carry ~1e-7 relative error.
const OrthoTol = 1e-5

// Mixture is the four-cluster Gaussian mixture of eq. (H1): equal weights on N(s₁m₁ + s₂m₂,
// σ² I), s₁, s₂ = ±1, with orthogonal m₁ (coarse) and m₂ (fine), |m₁| >= |m₂|.
type Mixture struct {
	M1, M2 []float32 // the coarse and fine directions, |m_i|² = d μ̃_i²
	Sigma  float64   // the per-coordinate standard deviation σ of each cluster
}

// NewMixture validates the means (same non-zero length d, finite, non-zero, orthogonal
// within OrthoTol, |m₁| >= |m₂|) and σ > 0, and returns the mixture.
func NewMixture(m1, m2 []float32, sigma float64) (*Mixture, error) {
	switch {
	case len(m1) == 0:
		return nil, fmt.Errorf("hier: NewMixture: m1 is empty")
	case len(m2) != len(m1):
		return nil, fmt.Errorf("hier: NewMixture: len(m1) = %d, len(m2) = %d: want the same dimension", len(m1), len(m2))
	case !(sigma > 0) || math.IsInf(sigma, 0):
		return nil, fmt.Errorf("hier: NewMixture: sigma must be > 0 and finite, got %g", sigma)
	}
	var n1, n2, dot float64
	for i := range m1 {
		a, b := float64(m1[i]), float64(m2[i])
		if math.IsNaN(a) || math.IsInf(a, 0) || math.IsNaN(b) || math.IsInf(b, 0) {
			return nil, fmt.Errorf("hier: NewMixture: m1[%d] = %v, m2[%d] = %v: want finite", i, a, i, b)
		}
		n1, n2, dot = n1+a*a, n2+b*b, dot+a*b
	}
	switch {
	case n1 == 0 || n2 == 0:
		return nil, fmt.Errorf("hier: NewMixture: |m1|² = %g, |m2|² = %g: want both > 0", n1, n2)
	case math.Abs(dot) > OrthoTol*math.Sqrt(n1*n2):
		return nil, fmt.Errorf("hier: NewMixture: m1·m2 = %g (cosine %.3g): the closed form of eq. (H2) needs orthogonal means (|cosine| <= %g)", dot, dot/math.Sqrt(n1*n2), OrthoTol)
	case n1 < n2:
		return nil, fmt.Errorf("hier: NewMixture: |m1|² = %g < |m2|² = %g: m1 is the coarse (larger) direction", n1, n2)
	}
	return &Mixture{M1: append([]float32(nil), m1...), M2: append([]float32(nil), m2...), Sigma: sigma}, nil
}

// Dim is the dimension d.
func (m *Mixture) Dim() int { return len(m.M1) }

func norm(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

// Coarse returns the two-cluster mixture of the projection on m₁: gmm.Mixture with the same
// d and σ and μ̃₁ = |m₁|/sqrt(d) (eq. H3). Its Phi is φ_coarse and its SpeciationTime
// ½ log(d μ̃₁²).
func (m *Mixture) Coarse() gmm.Mixture {
	d := m.Dim()
	return gmm.Mixture{D: d, Mu: norm(m.M1) / math.Sqrt(float64(d)), Sigma: m.Sigma}
}

// Fine returns the two-cluster mixture of the projection on m₂ (μ̃₂ = |m₂|/sqrt(d)).
func (m *Mixture) Fine() gmm.Mixture {
	d := m.Dim()
	return gmm.Mixture{D: d, Mu: norm(m.M2) / math.Sqrt(float64(d)), Sigma: m.Sigma}
}

// PhiCoarse returns φ_coarse(t), the probability that two clones made at time t end on the
// same side of the plane x·m₁ = 0 (the same coarse group): eq. (6) with μ̃₁ (eq. H3).
func (m *Mixture) PhiCoarse(t float64) float64 { return m.Coarse().Phi(t) }

// PhiFine returns φ_fine(t), the probability that two clones end on the same side of
// x·m₂ = 0 (the same fine sub-class within a group): eq. (6) with μ̃₂ (eq. H3).
func (m *Mixture) PhiFine(t float64) float64 { return m.Fine().Phi(t) }

// PhiCluster returns the probability that two clones end in the same of the four clusters,
// φ_coarse(t) φ_fine(t): the two projections are independent (eq. H3).
func (m *Mixture) PhiCluster(t float64) float64 { return m.PhiCoarse(t) * m.PhiFine(t) }

// SpeciationTimes returns the coarse and fine speciation times ½ log(d μ̃₁²) and
// ½ log(d μ̃₂²) (SI B.1 applied to each projection; eq. 4 with the two large eigenvalues).
func (m *Mixture) SpeciationTimes() (coarse, fine float64) {
	return m.Coarse().SpeciationTime(), m.Fine().SpeciationTime()
}

// CoarseClass labels points by the sign of x·m₁ (clone.SignClass).
func (m *Mixture) CoarseClass() clone.ClassFunc { return clone.SignClass(m.M1) }

// FineClass labels points by the sign of x·m₂.
func (m *Mixture) FineClass() clone.ClassFunc { return clone.SignClass(m.M2) }

// ClusterClass labels points by their cluster (s₁, s₂) as 2·sign(x·m₁) + sign(x·m₂).
func (m *Mixture) ClusterClass() clone.ClassFunc {
	c, f := m.CoarseClass(), m.FineClass()
	return func(x []float32, b, d int) ([]int, error) {
		lc, err := c(x, b, d)
		if err != nil {
			return nil, err
		}
		lf, err := f(x, b, d)
		if err != nil {
			return nil, err
		}
		for i := range lc {
			lc[i] = 2*lc[i] + lf[i]
		}
		return lc, nil
	}
}

// Graph returns the exact score of eq. (H2) for x [b, d] float32 and a float32 scalar t > 0,
//
//	F(x, t) = (e^{−t}/Γ_t) Σ_i m_i tanh((e^{−t}/Γ_t) x·m_i) − x/Γ_t,   Γ_t = Δ_t + σ² e^{−2t},
//
// so that Mixture is a score.Score for the integrators (sde, flow) and the cloning protocol.
func (m *Mixture) Graph(x, t *graph.Node) *graph.Node {
	d := m.Dim()
	if x.Rank() != 2 || x.Shape().Dim(1) != d {
		panic(fmt.Sprintf("hier: Mixture.Graph: x must be float32 [b, %d], got %s", d, x.Shape()))
	}
	g := x.Graph()
	mm := graph.Const(g, [][]float32{m.M1, m.M2}) // [2, d]
	decay, delta := score.DecayDelta(t)
	gamma := graph.Add(delta, graph.MulScalar(graph.Mul(decay, decay), m.Sigma*m.Sigma))
	c := graph.Div(decay, gamma)
	xm := graph.DotGeneral(x, []int{1}, nil, mm, []int{1}, nil) // [b, 2]
	coef := graph.Mul(graph.Tanh(graph.Mul(xm, c)), c)          // [b, 2]
	return graph.Sub(graph.MatMul(coef, mm), graph.Mul(x, graph.Inverse(gamma)))
}

var _ score.Score = (*Mixture)(nil)
