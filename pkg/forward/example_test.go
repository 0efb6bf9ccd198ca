package forward_test

import (
	"fmt"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/forward"
)

// The variance of x(t) over a data set of per-coordinate variance 1/4 follows 1/4 (1 - Δ_t) + Δ_t.
func Example() {
	s, err := forward.NewSampler(backend.MustDefault())
	if err != nil {
		panic(err)
	}
	n, d := 2000, 8
	a := forward.Noise(n, d, 1, 0)
	for i := range a {
		a[i] *= 0.5
	}
	pts, err := s.VarianceCurve(a, n, d, []float64{0.1, 1, 4}, 2)
	if err != nil {
		panic(err)
	}
	for _, p := range pts {
		fmt.Printf("t=%.1f Δ=%.3f predicted %.2f measured %.2f\n", p.T, p.Delta, p.Predicted, p.Variance)
	}
	// Output:
	// t=0.1 Δ=0.181 predicted 0.39 measured 0.39
	// t=1.0 Δ=0.865 predicted 0.90 measured 0.91
	// t=4.0 Δ=1.000 predicted 1.00 measured 1.00
}
