package rem

import (
	"math/rand/v2"
	"testing"
)

func BenchmarkPsiPlusCondensed(b *testing.B) {
	m := Model{Alpha: 0.2, Sigma: 1, Mu: 1}
	for b.Loop() {
		m.PsiPlus(0.3)
	}
}

// One instance with e^{0.2·50} = 22 026 levels per cluster.
func BenchmarkSampleTypical(b *testing.B) {
	m := Model{Alpha: 0.2, Sigma: 1, Mu: 1}
	rng := rand.New(rand.NewPCG(1, 2))
	for b.Loop() {
		_, _ = m.SampleTypical(0.3, 50, rng)
	}
}

func BenchmarkSample(b *testing.B) {
	m := Model{Alpha: 0.2, Sigma: 1, Mu: 1}
	rng := rand.New(rand.NewPCG(1, 2))
	for b.Loop() {
		_, _ = m.Sample(0.3, 50, rng)
	}
}
