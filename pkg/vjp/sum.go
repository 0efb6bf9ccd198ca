package vjp

import (
	"fmt"

	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
)

// SumRows returns the sums of the rows of x [m, n]: [m].
//
// It is a matrix-vector product with a vector of ones rather than ReduceSum: the pure-Go
// backend reduces element by element through a generic index iterator, while the product runs
// on its SIMD matmul kernel, ~30× faster for [768, 1024] on the project's CPU. The custom
// gradients of pkg/unet use it for every sum over pixels (bias, time embedding, GroupNorm).
func SumRows(x *graph.Node) *graph.Node {
	if x.Rank() != 2 {
		panic(fmt.Sprintf("vjp.SumRows: want x [m, n], got %s", x.Shape()))
	}
	m, n := x.Shape().Dim(0), x.Shape().Dim(1)
	ones := graph.Ones(x.Graph(), shapes.Make(x.DType(), 1, n))
	return graph.Reshape(graph.DotGeneral(x, []int{1}, nil, ones, []int{1}, nil), m)
}
