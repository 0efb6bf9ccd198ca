package experiment

import (
	"testing"

	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/numeric"
	"github.com/diffregimes/diffregimes/pkg/rem"
)

// Commitment C(t) by quadrature (gmm's split shifted-Gaussian rule).
func BenchmarkCommitment(b *testing.B) {
	m := gmm.Mixture{D: 128, Mu: 1, Sigma: 1}
	for i := 0; b.Loop(); i++ {
		m.Commitment(float64(i%50) * 0.1)
	}
}

// 10 000 q-Langevin trajectories from t = 10 to 0 (1000 steps), recorded 11 times.
func BenchmarkSimulateQ(b *testing.B) {
	m := gmm.Mixture{D: 128, Mu: 1, Sigma: 1}
	ts := numeric.Linspace(10, 0, 11)
	for b.Loop() {
		if _, err := SimulateQ(m, 10000, ts, 0.01, 1); err != nil {
			b.Fatal(err)
		}
	}
}

// One REM instance at α = 0.2, d = 50 (2 × 22 026 levels), typical point.
func BenchmarkREMMonteCarlo(b *testing.B) {
	model, _ := rem.New(0.2, 1, 1)
	for b.Loop() {
		if _, err := REMMonteCarlo(model, REMOptions{Times: []float64{0.5}, Ds: []int{50}, Reps: 2, Typical: true, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
