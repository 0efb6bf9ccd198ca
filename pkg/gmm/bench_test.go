package gmm

import (
	"math/rand/v2"
	"testing"
)

func BenchmarkPhi(b *testing.B) {
	m := Mixture{D: 12288, Mu: 1, Sigma: 1}
	for i := 0; b.Loop(); i++ {
		m.Phi(float64(i%100) * 0.1)
	}
}

func BenchmarkEntropy(b *testing.B) {
	m := Mixture{D: 128, Mu: 1, Sigma: 1}
	for i := 0; b.Loop(); i++ {
		m.Entropy(float64(i%100) * 0.05)
	}
}

// One Euler-Maruyama step for 10 000 q values.
func BenchmarkEvolveQStep(b *testing.B) {
	m := Mixture{D: 128, Mu: 1, Sigma: 1}
	rng := rand.New(rand.NewPCG(1, 2))
	q := make([]float64, 10000)
	for b.Loop() {
		_ = m.EvolveQ(q, 1, 0.99, 0.01, rng)
	}
}
