package flow_test

import (
	"fmt"
	"math"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/flow"
	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/score"
)

// The probability-flow ODE with the two-cluster mixture score of eq. (54) (d = 16, μ̃ = 1,
// σ = 1): deterministic trajectories from x_T ~ N(0, I) reproduce P_0, half the samples in
// each cluster, the projection on m/|m| at ±|m| = ±4 with variance σ² = 1.
func Example() {
	mix, err := gmm.NewMixture(16, 1, 1)
	if err != nil {
		panic(err)
	}
	s, err := score.NewMixture(mix.Centre(), 1)
	if err != nil {
		panic(err)
	}
	in, err := flow.New(backend.MustDefault(), s, flow.Config{T: 10, L: 100, Method: flow.Heun, Seed: 1})
	if err != nil {
		panic(err)
	}
	const n, d = 2000, 16
	x, err := in.Sample(n)
	if err != nil {
		panic(err)
	}
	u := mix.Centre()
	var plus, sum, sum2 float64
	for i := range n {
		var q float64
		for j := range d {
			q += float64(x[i*d+j]) * float64(u[j]) / mix.M()
		}
		if q > 0 {
			plus++
		}
		sum += math.Abs(q)
		sum2 += q * q
	}
	mean := sum / n
	fmt.Printf("P(+) = %.2f, mean |q| = %.1f, variance %.1f\n", plus/n, mean, sum2/n-mean*mean)
	// Output:
	// P(+) = 0.50, mean |q| = 4.0, variance 1.0
}
