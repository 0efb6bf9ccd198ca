package vjp

import (
	"fmt"

	"github.com/gomlx/gomlx/core/graph"
)

// MatMul returns x·w for x [m, k] and w [k, n], with gradients that never copy x.
//
// gomlx's own gradient of a matrix product ends with an explicit transpose even when it is the
// identity, and computes ∂w = xᵀv with both operands in a layout the pure-Go matmul kernel must
// first transpose: two copies of x for every product (x is the large operand of a convolution's
// patch matrix). Here ∂x = v·wᵀ is a matmul on operands in the kernel's layout, and ∂w
// transposes whichever is cheaper, x or v (plus the small [n, k] result).
func MatMul(x, w *graph.Node) *graph.Node {
	if x.Rank() != 2 || w.Rank() != 2 || x.Shape().Dim(1) != w.Shape().Dim(0) {
		panic(fmt.Sprintf("vjp.MatMul: want x [m, k] and w [k, n], got %s and %s", x.Shape(), w.Shape()))
	}
	return Custom([]*graph.Node{x, w}, func(in []*graph.Node) (*graph.Node, Backward) {
		x, w := in[0], in[1]
		return graph.DotGeneral(x, []int{1}, nil, w, []int{0}, nil), func(v *graph.Node) []*graph.Node {
			return []*graph.Node{MatMulGradX(v, w), MatMulGradW(x, v)}
		}
	})
}

// MatMulGradX returns v·wᵀ for v [m, n], w [k, n]: the gradient of x·w with respect to x.
// The small w is transposed first, so that the product contracts v's last axis with wᵀ's
// first: the pure-Go backend then runs its broadcast-FMA kernel instead of one horizontal sum
// of n products per output (1.2-1.6× faster for the U-Net's dense layers, n = 8-64).
func MatMulGradX(v, w *graph.Node) *graph.Node {
	return graph.DotGeneral(v, []int{1}, nil, graph.TransposeAllAxes(w, 1, 0), []int{0}, nil)
}

// MatMulGradW returns xᵀ·v for x [m, k], v [m, n]: the gradient of x·w with respect to w,
// transposing the smaller of x (m·k values) or v and the result (m·n + n·k values).
func MatMulGradW(x, v *graph.Node) *graph.Node {
	m, k, n := x.Shape().Dim(0), x.Shape().Dim(1), v.Shape().Dim(1)
	if m*k <= m*n+n*k {
		return graph.DotGeneral(graph.TransposeAllAxes(x, 1, 0), []int{1}, nil, v, []int{0}, nil)
	}
	return graph.TransposeAllAxes(graph.DotGeneral(graph.TransposeAllAxes(v, 1, 0), []int{1}, nil, x, []int{0}, nil), 1, 0)
}
