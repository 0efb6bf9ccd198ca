package realdata

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/datasets"
	"github.com/diffregimes/diffregimes/pkg/gmm"
)

// clusters returns n images of size×size (d = size²) of the two-cluster mixture a = ±m + σ ξ
// with |m|² = d·mu², exactly half in each class: point i is drawn with gmm.Mixture.Rand and
// reflected through the origin into class i%2 when it fell in the other (the mixture is
// symmetric under a → −a), then reflected coordinate-wise so that m is a pattern
// (mu, −mu, mu, ...), not a constant image. Labels 0 for −m and 1 for +m; it returns m too.
func clusters(n, size int, mu, sigma float64, seed uint64) (*datasets.Dataset, []float32) {
	d := size * size
	mix := gmm.Mixture{D: d, Mu: mu, Sigma: sigma}
	rng := rand.New(rand.NewPCG(seed, 3))
	m := mix.Centre()
	for j := 1; j < d; j += 2 {
		m[j] = -m[j]
	}
	ds := &datasets.Dataset{Name: "clusters", N: n, H: size, W: size, C: 1, X: make([]float32, n*d), Labels: make([]int, n),
		ClassNames: []string{"minus", "plus"}}
	for i := range n {
		x := ds.X[i*d : (i+1)*d]
		flip := float32(1)
		if mix.Rand(x, rng) != 2*(i%2)-1 {
			flip = -1 // reflect into class i%2: −(∓m + σξ) = ±m − σξ
		}
		for j := range x {
			x[j] *= flip
			if j%2 == 1 {
				x[j] = -x[j]
			}
		}
		ds.Labels[i] = i % 2
	}
	return ds, m
}

func mustExperiment(t *testing.T, ds *datasets.Dataset) *Experiment {
	t.Helper()
	e, err := NewEmpirical(backend.MustDefault(), ds.Name, ds)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }
