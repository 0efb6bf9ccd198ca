package sde_test

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/score"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

// gaussian is a custom score.Score: the exact score of data a ~ N(0, s² I) in dimension d,
// F(x, t) = −x / Γ_t with Γ_t = s² e^{−2t} + Δ_t (the forward process of eq. 2 keeps the
// data Gaussian). Any type with Dim and Graph plugs into the integrator and the cloning
// protocol.
type gaussian struct {
	d  int
	s2 float64
}

func (g gaussian) Dim() int { return g.d }

func (g gaussian) Graph(x, t *graph.Node) *graph.Node {
	decay, delta := score.DecayDelta(t)
	gamma := graph.Add(graph.MulScalar(graph.Mul(decay, decay), g.s2), delta)
	return graph.Neg(graph.Div(x, gamma))
}

// A custom score in the integrator of eq. (55) and in the cloning protocol. The samples have
// the data's variance s² (up to O(η) from the discretisation). Two clones made at time t end
// on the same side of the plane x_1 = 0 with probability φ(t) = ½ + arcsin(ρ_t)/π, where
// ρ_t = s² e^{−2t}/Γ_t is the correlation of the clones' x_1(0) (Gaussian posterior): ½ when
// cloned early, → 1 when cloned late.
func Example_customScore() {
	const s2 = 0.25
	b := backend.MustDefault()
	in, err := sde.New(b, gaussian{d: 8, s2: s2}, sde.Config{T: 6, L: 300, Seed: 1})
	if err != nil {
		panic(err)
	}
	x, err := in.Start(2000)
	if err != nil {
		panic(err)
	}
	if x, err = in.Run(x, 0, in.Config().L); err != nil {
		panic(err)
	}
	v, _ := tensors.CopyFlatData[float32](x)
	var m2 float64
	for _, xi := range v {
		m2 += float64(xi) * float64(xi)
	}
	fmt.Printf("sample variance %.2f (data: %.2f)\n", m2/float64(len(v)), s2)

	side := func(x []float32, n, d int) ([]int, error) { // the class: the sign of x_1
		out := make([]int, n)
		for i := range n {
			if x[i*d] > 0 {
				out[i] = 1
			}
		}
		return out, nil
	}
	res, err := clone.Run(in, clone.Options{Times: []float64{5, 0.5, 0.1}, Pairs: 2000, Classes: map[string]clone.ClassFunc{"side": side}})
	if err != nil {
		panic(err)
	}
	for i, t := range res.Times {
		e := res.Same["side"][i]
		gamma := s2*math.Exp(-2*t) - math.Expm1(-2*t)
		fmt.Printf("t=%.1f: φ = %.2f ± %.2f, closed form %.2f\n", t, e.P, e.Err, 0.5+math.Asin(s2*math.Exp(-2*t)/gamma)/math.Pi)
	}
	// Output:
	// sample variance 0.27 (data: 0.25)
	// t=5.0: φ = 0.48 ± 0.03, closed form 0.50
	// t=0.5: φ = 0.54 ± 0.03, closed form 0.54
	// t=0.1: φ = 0.68 ± 0.03, closed form 0.68
}
