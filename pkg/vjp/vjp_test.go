package vjp

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

func randTensor(seed uint64, dims ...int) *tensors.Tensor {
	rng := rand.New(rand.NewPCG(seed, 7))
	n := 1
	for _, d := range dims {
		n *= d
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return tensors.FromFlatDataAndDimensions(v, dims...)
}

func maxDiff(t *testing.T, name string, got, want *tensors.Tensor, tol float64) {
	t.Helper()
	g, w := tensors.MustCopyFlatData[float32](got), tensors.MustCopyFlatData[float32](want)
	if len(g) != len(w) {
		t.Fatalf("%s: %d values, want %d", name, len(g), len(w))
	}
	var worst, scale float64
	for i := range g {
		worst = max(worst, math.Abs(float64(g[i]-w[i])))
		scale = max(scale, math.Abs(float64(w[i])))
	}
	if worst > tol*max(scale, 1) {
		t.Errorf("%s: max |diff| = %.3g (scale %.3g)", name, worst, scale)
	}
}

// TestMatMulGradients compares MatMul's value and hand-written gradients with gomlx's graph.Dot and
// its autodiff, for both transposition choices of ∂w and a loss that uses the product twice.
func TestMatMulGradients(t *testing.T) {
	be := backend.MustDefault()
	for _, tc := range []struct{ m, k, n int }{{7, 5, 3}, {40, 3, 9}, {3, 40, 2}, {1, 1, 1}} {
		x, w := randTensor(1, tc.m, tc.k), randTensor(2, tc.k, tc.n)
		run := func(custom bool) []*tensors.Tensor {
			return graph.MustExecOnceN(be, func(x, w *graph.Node) []*graph.Node {
				var y *graph.Node
				if custom {
					y = MatMul(x, w)
				} else {
					y = graph.Dot(x, w).Product()
				}
				loss := graph.Add(graph.ReduceAllSum(graph.Mul(y, graph.Sin(y))), graph.ReduceAllSum(graph.Square(y)))
				return append([]*graph.Node{y}, graph.Gradient(loss, x, w)...)
			}, x, w)
		}
		got, want := run(true), run(false)
		for i, name := range []string{"value", "dx", "dw"} {
			maxDiff(t, name, got[i], want[i], 1e-5)
		}
	}
}

// TestCustomPartialAndUnused checks gradients with respect to a subset of the inputs, a Backward
// that returns nil for an input (zero gradient), and a Custom output that the loss ignores.
func TestCustomPartialAndUnused(t *testing.T) {
	be := backend.MustDefault()
	x, w := randTensor(3, 4, 3), randTensor(4, 3, 2)
	out := graph.MustExecOnceN(be, func(x, w *graph.Node) []*graph.Node {
		y := Custom([]*graph.Node{x, w}, func(in []*graph.Node) (*graph.Node, Backward) {
			return graph.Dot(in[0], in[1]).Product(), func(v *graph.Node) []*graph.Node {
				return []*graph.Node{MatMulGradX(v, in[1]), nil}
			}
		})
		unused := MatMul(x, w)
		_ = unused
		loss := graph.ReduceAllSum(graph.Square(y))
		g := graph.Gradient(loss, x, w)
		ref := graph.Gradient(graph.ReduceAllSum(graph.Square(graph.Dot(x, w).Product())), x)
		return []*graph.Node{g[0], g[1], ref[0]}
	}, x, w)
	maxDiff(t, "dx", out[0], out[2], 1e-5)
	for i, v := range tensors.MustCopyFlatData[float32](out[1]) {
		if v != 0 {
			t.Fatalf("dw[%d] = %g, want 0 (Backward returned nil)", i, v)
		}
	}
}

// TestCustomChained differentiates through two Custom functions in a row and a plain op between
// them, against autodiff of the same expression.
func TestCustomChained(t *testing.T) {
	be := backend.MustDefault()
	x, w1, w2 := randTensor(5, 6, 4), randTensor(6, 4, 5), randTensor(7, 5, 3)
	run := func(custom bool) []*tensors.Tensor {
		return graph.MustExecOnceN(be, func(x, w1, w2 *graph.Node) []*graph.Node {
			mm := func(a, b *graph.Node) *graph.Node { return graph.Dot(a, b).Product() }
			if custom {
				mm = MatMul
			}
			y := mm(graph.Tanh(mm(x, w1)), w2)
			return graph.Gradient(graph.ReduceAllSum(graph.Mul(y, y)), x, w1, w2)
		}, x, w1, w2)
	}
	got, want := run(true), run(false)
	for i, name := range []string{"dx", "dw1", "dw2"} {
		maxDiff(t, name, got[i], want[i], 1e-5)
	}
}

// TestSumRows compares SumRows with ReduceSum.
func TestSumRows(t *testing.T) {
	x := randTensor(9, 13, 37)
	out := graph.MustExecOnceN(backend.MustDefault(), func(x *graph.Node) []*graph.Node {
		return []*graph.Node{SumRows(x), graph.ReduceSum(x, 1)}
	}, x)
	maxDiff(t, "row sums", out[0], out[1], 1e-5)
}

// TestPadGradient: the no-op Pad that links Custom's inputs has a gradient (identity, zero for
// the fill value); a Pad that pads still has none, with an error naming the shapes.
func TestPadGradient(t *testing.T) {
	be := backend.MustDefault()
	x := randTensor(11, 3, 4)
	out := graph.MustExecOnceN(be, func(x *graph.Node) []*graph.Node {
		y := graph.Pad(x, graph.ScalarZero(x.Graph(), x.DType()), make([]compute.PadAxis, 2)...)
		return graph.Gradient(graph.ReduceAllSum(graph.Mul(y, y)), x)
	}, x)
	want := graph.MustExecOnce(be, func(x *graph.Node) *graph.Node { return graph.MulScalar(x, 2) }, x)
	maxDiff(t, "∂ no-op Pad", out[0], want, 1e-6)

	// gomlx's Exec hangs when graph building panics, so build this graph by hand.
	g := graph.NewGraph(be, "pad")
	defer g.Finalize()
	xn := graph.Parameter(g, "x", x.Shape())
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(fmt.Sprint(r), "no gradient is defined for Pad from (Float32)[3, 4] to (Float32)[4, 4]") {
			t.Errorf("padding Pad: recovered %v, want an error naming the shapes", r)
		}
	}()
	y := graph.Pad(xn, graph.ScalarZero(g, xn.DType()), compute.PadAxis{Start: 1}, compute.PadAxis{})
	graph.Gradient(graph.ReduceAllSum(y), xn)
}
