package entropy_test

import (
	"fmt"
	"math"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/entropy"
	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/score"
)

// The excess entropy density f^e(t) of n mixture points (eqs. 56-57, Fig. 3), with the
// control-variate estimator ExcessCV: ≈ 0 below the collapse time t_C of eq. (10), where P^e_t
// is n separated Gaussians, and approaching the d → ∞ theory α + ½ log(Δ_t/Γ_t) above it
// (which is negative below t_C, where the finite sample cannot follow it). CollapseTimeAt
// reads t_C where f^e crosses log(2)/d, the middle of the finite-d crossover.
func Example() {
	m := gmm.Mixture{D: 16, Mu: 1, Sigma: 1}
	const n = 400
	a, _, err := m.Sample(n, gmm.NewRand(1))
	if err != nil {
		panic(err)
	}
	data, err := score.NewDataset(a, n, m.D, 0)
	if err != nil {
		panic(err)
	}
	est, err := entropy.New(backend.MustDefault(), data, 0, 1)
	if err != nil {
		panic(err)
	}
	tc, _ := m.CollapseTime(n)
	ts := []float64{0.05, 0.2, 0.5, 1, 2}
	var fe []entropy.Estimate
	for _, t := range ts {
		e, err := est.ExcessCV(t, 2000)
		if err != nil {
			panic(err)
		}
		fe = append(fe, e)
		fmt.Printf("t=%.2f: f^e/α = %.2f ± %.2f   theory %.2f\n", t, e.Value/(math.Log(n)/16), e.Err/(math.Log(n)/16), m.ExcessEntropy(t, n)/(math.Log(n)/16))
	}
	t, ok := entropy.CollapseTimeAt(ts, fe, math.Ln2/float64(m.D))
	fmt.Printf("f^e = log(2)/d at t = %.2f (%v); t_C of eq. (10) = %.2f\n", t, ok, tc)
	// Output:
	// t=0.05: f^e/α = 0.00 ± 0.00   theory -2.14
	// t=0.20: f^e/α = 0.03 ± 0.01   theory -0.48
	// t=0.50: f^e/α = 0.34 ± 0.02   theory 0.39
	// t=1.00: f^e/α = 0.72 ± 0.02   theory 0.81
	// t=2.00: f^e/α = 0.96 ± 0.01   theory 0.98
	// f^e = log(2)/d at t = 0.30 (true); t_C of eq. (10) = 0.32
}
