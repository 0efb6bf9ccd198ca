package backend_test

import (
	"fmt"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/gomlx/gomlx/core/graph"
)

// The default backend runs any gomlx graph: on a CPU-only build the pure-Go backend with
// sequential op scheduling, on a GPU build (-tags xla, PJRT CUDA plugin found) XLA on CUDA.
func ExampleDefault() {
	b := backend.MustDefault()
	e, err := graph.NewExec(b, func(x *graph.Node) *graph.Node { return graph.ReduceAllSum(graph.Mul(x, x)) })
	if err != nil {
		panic(err)
	}
	out := e.MustExec([]float32{1, 2, 3})
	fmt.Println(out[0].Value())
	// Output: 14
}
