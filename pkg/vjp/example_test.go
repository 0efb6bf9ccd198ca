package vjp_test

import (
	"fmt"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/vjp"
	"github.com/gomlx/gomlx/core/graph"
)

// Custom defines x·w with a hand-written gradient; autodiff of a loss built on it uses that
// gradient.
func ExampleCustom() {
	out := graph.MustExecOnceN(backend.MustDefault(), func(x, w *graph.Node) []*graph.Node {
		y := vjp.Custom([]*graph.Node{x, w}, func(in []*graph.Node) (*graph.Node, vjp.Backward) {
			return graph.Mul(in[0], in[1]), func(v *graph.Node) []*graph.Node {
				return []*graph.Node{graph.Mul(v, in[1]), graph.Mul(v, in[0])}
			}
		})
		return graph.Gradient(graph.ReduceAllSum(graph.Square(y)), x, w) // ∂/∂x (xw)² = 2xw²
	}, []float32{1, 2}, []float32{3, 4})
	fmt.Println(out[0].Value(), out[1].Value())
	// Output: [18 64] [6 32]
}
