package score_test

import (
	"fmt"
	"math"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/score"
)

// The exact score of the two-cluster mixture (eq. 54) and the exact empirical score of its
// training points (eq. 2), evaluated on the host through an Evaluator. At large t both are
// ≈ −x (the data are forgotten); at small t the empirical score pulls x onto the nearest
// training point a_μ e^{−t}, with F ≈ (a_μ e^{−t} − x)/Δ_t.
func Example() {
	b := backend.MustDefault()
	mix, err := score.NewMixture([]float32{1, 1}, 0.5)
	if err != nil {
		panic(err)
	}
	data, err := score.NewDataset([]float32{1, 1, -1, -1, 1, -1}, 3, 2, 0) // 3 points in d = 2
	if err != nil {
		panic(err)
	}
	emp, err := score.NewEmpirical(data)
	if err != nil {
		panic(err)
	}
	x := []float32{0.8, 0.7}
	for _, s := range []score.Score{mix, emp} {
		ev, err := score.NewEvaluator(b, s)
		if err != nil {
			panic(err)
		}
		for _, t := range []float64{0.05, 8} {
			f, err := ev.Eval(x, t)
			if err != nil {
				panic(err)
			}
			fmt.Printf("%T t=%g: F = (%.2f, %.2f)\n", s, t, f[0], f[1])
		}
	}
	// The empirical score at t = 0.05 against (a_0 e^{−t} − x)/Δ_t for a_0 = (1, 1):
	e, delta := math.Exp(-0.05), -math.Expm1(-0.1)
	fmt.Printf("closed form: (%.2f, %.2f)\n", (e-0.8)/delta, (e-0.7)/delta)
	// The mixture score at t = 0.05, where the + cluster has all the weight: (m e^{−t} − x)/Γ_t
	// with Γ_t = σ² e^{−2t} + Δ_t.
	g := 0.25*e*e + delta
	fmt.Printf("closed form: (%.2f, %.2f)\n", (e-0.8)/g, (e-0.7)/g)
	// Output:
	// *score.Mixture t=0.05: F = (0.47, 0.78)
	// *score.Mixture t=8: F = (-0.80, -0.70)
	// *score.Empirical t=0.05: F = (1.59, 2.64)
	// *score.Empirical t=8: F = (-0.80, -0.70)
	// closed form: (1.59, 2.64)
	// closed form: (0.47, 0.78)
}
