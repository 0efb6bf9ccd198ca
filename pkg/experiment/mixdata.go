package experiment

import (
	"fmt"

	"github.com/diffregimes/diffregimes/pkg/gmm"
)

// Centre returns the cluster centre m = μ̃ (1, ..., 1) of the mixture (SI D.1: m = [1, ..., 1]
// for μ̃ = 1), |m|² = d μ̃², as float32 for package score.
func Centre(m gmm.Mixture) []float32 {
	c := make([]float32, m.D)
	for i := range c {
		c[i] = float32(m.Mu)
	}
	return c
}

// MixtureData draws n training points a^μ = ±m + σ ξ^μ of the mixture (each sign with
// probability ½, m = Centre), row-major float32, and their cluster labels ±1. Seeded.
func MixtureData(m gmm.Mixture, n int, seed uint64) (a []float32, labels []int, err error) {
	if err := m.Validate(); err != nil {
		return nil, nil, fmt.Errorf("experiment: MixtureData: %w", err)
	}
	if n < 1 {
		return nil, nil, fmt.Errorf("experiment: MixtureData: n must be >= 1, got %d", n)
	}
	rng := NewRand(seed)
	a = make([]float32, n*m.D)
	labels = make([]int, n)
	for mu := range n {
		s := 1.0
		if rng.IntN(2) == 1 {
			s = -1
		}
		labels[mu] = int(s)
		row := a[mu*m.D : (mu+1)*m.D]
		for i := range row {
			row[i] = float32(s*m.Mu + m.Sigma*rng.NormFloat64())
		}
	}
	return a, labels, nil
}
