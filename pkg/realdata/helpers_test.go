package realdata

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/datasets"
)

// clusters returns n images of size×size (d = size²) in two classes a = ±m + σ ξ with
// |m|² = d·mu², labels 0 for -m and 1 for +m, and m.
func clusters(n, size int, mu, sigma float64, seed uint64) (*datasets.Dataset, []float32) {
	d := size * size
	rng := rand.New(rand.NewPCG(seed, 3))
	m := make([]float32, d)
	for j := range m {
		m[j] = float32(mu)
		if j%2 == 1 {
			m[j] = float32(-mu) // a pattern, not a constant image
		}
	}
	ds := &datasets.Dataset{Name: "clusters", N: n, H: size, W: size, C: 1, X: make([]float32, n*d), Labels: make([]int, n),
		ClassNames: []string{"minus", "plus"}}
	for i := range n {
		s := float64(2*(i%2) - 1)
		ds.Labels[i] = i % 2
		for j := range d {
			ds.X[i*d+j] = float32(s*float64(m[j]) + sigma*rng.NormFloat64())
		}
	}
	return ds, m
}

func mustExperiment(t *testing.T, ds *datasets.Dataset) *Experiment {
	t.Helper()
	e, err := NewEmpirical(MustBackend(), ds.Name, ds)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }
