package gmm

import (
	"fmt"
	"math/rand/v2"
)

// Centre returns the cluster centre m = μ̃ (1, ..., 1) of the mixture (SI D.1: m = [1, ..., 1]
// for μ̃ = 1), |m|² = d μ̃², as float32 for the score and dynamics packages.
func (m Mixture) Centre() []float32 {
	c := make([]float32, m.D)
	for i := range c {
		c[i] = float32(m.Mu)
	}
	return c
}

// Rand draws one point a = s m + σ ξ of the mixture into dst (len D), with the cluster sign
// s = ±1 (probability ½ each) as its label, from rng: one rng.IntN(2), then D normals. It is
// the sampler of the data P_0 of the paper (as distuv's Rand for a distribution), and it
// panics, like a slice index, when len(dst) != D.
func (m Mixture) Rand(dst []float32, rng *rand.Rand) (label int) {
	if len(dst) != m.D {
		panic(fmt.Sprintf("gmm: Rand: len(dst) = %d, want D = %d", len(dst), m.D))
	}
	s := 1.0
	if rng.IntN(2) == 1 {
		s = -1
	}
	for i := range dst {
		dst[i] = float32(s*m.Mu + m.Sigma*rng.NormFloat64())
	}
	return int(s)
}

// Sample draws n training points of the mixture with Rand from rng, row-major [n, D]
// float32, and their cluster labels ±1. With rng = NewRand(seed), the same seed gives the
// same points.
func (m Mixture) Sample(n int, rng *rand.Rand) (a []float32, labels []int, err error) {
	if err := m.Validate(); err != nil {
		return nil, nil, fmt.Errorf("gmm: Sample: %w", err)
	}
	switch {
	case n < 1:
		return nil, nil, fmt.Errorf("gmm: Sample: n must be >= 1, got %d", n)
	case rng == nil:
		return nil, nil, fmt.Errorf("gmm: Sample: rng is nil")
	}
	a = make([]float32, n*m.D)
	labels = make([]int, n)
	for mu := range n {
		labels[mu] = m.Rand(a[mu*m.D:(mu+1)*m.D], rng)
	}
	return a, labels, nil
}

// NewRand returns the project's seeded generator for the mixture (PCG), for Rand, SampleQ,
// EvolveQ and ClonePhi.
func NewRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }
