package vjp

import (
	"fmt"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
)

// Backward maps the gradient v of a loss with respect to a Custom function's output to the
// gradients with respect to each of its inputs (same shapes as the inputs; nil for an input
// that needs none).
type Backward func(v *graph.Node) []*graph.Node

// Forward builds a function's output from its inputs and returns it with the function that
// computes its gradients. Autodiff never looks inside Forward, so it may use operations gomlx
// cannot differentiate (e.g. Pad), and Backward may reuse any node Forward built.
type Forward func(inputs []*graph.Node) (out *graph.Node, backward Backward)

// Custom returns f(inputs) whose gradients, when a loss depending on it is differentiated, are
// those returned by f's Backward instead of autodiff through f's operations.
//
// gomlx only supports single-input custom gradients (graph.IdentityWithCustomGradient), and the
// reverse pass visits nodes in decreasing id order. Custom uses both: each input passes
// through a custom-gradient identity created before f's graph, and the output through one
// created after it. The output's identity records the incoming gradient v (it is visited
// first) and stops autodiff from entering f; each input's identity, visited later, returns its
// share of Backward(v). A zero-valued scalar built from one element of every input joins the
// output so that autodiff visits the inputs' identities at all (the gradient nodes it produces
// are unused and dropped by the backend): it is the fill value of a Pad that adds no padding,
// a block copy, several times cheaper than an element-wise Add on the pure-Go backend. This
// package registers the gradient of such a Pad (gomlx defines none for Pad).
func Custom(inputs []*graph.Node, f Forward) *graph.Node {
	if len(inputs) == 0 {
		panic("vjp.Custom: no inputs")
	}
	st := &state{}
	linked := make([]*graph.Node, len(inputs))
	for i, x := range inputs {
		linked[i] = graph.IdentityWithCustomGradient(x, func(_, _ *graph.Node) *graph.Node { return st.grad(i) })
	}
	// No StopGradient between the inputs and f: the output's identity returns no gradient, so
	// autodiff never reaches f's nodes (and a StopGradient would copy each input on the pure-Go
	// backend).
	out, bwd := f(linked)
	if bwd == nil {
		panic("vjp.Custom: Forward returned a nil Backward")
	}
	st.backward, st.inputs = bwd, inputs
	captured := graph.IdentityWithCustomGradient(out, func(_, v *graph.Node) *graph.Node {
		st.v, st.grads = v, nil
		return nil // autodiff does not enter f's graph
	})
	var zero *graph.Node
	for _, x := range linked {
		first := make([]graph.SliceAxisSpec, x.Rank())
		for a := range first {
			first[a] = graph.AxisRange(0, 1)
		}
		e := graph.Reshape(graph.Slice(x, first...))
		if e.DType() != out.DType() {
			e = graph.ConvertDType(e, out.DType())
		}
		e = graph.MulScalar(e, 0)
		if zero == nil {
			zero = e
		} else {
			zero = graph.Add(zero, e)
		}
	}
	return graph.Pad(captured, zero, make([]compute.PadAxis, captured.Rank())...)
}

func init() {
	if _, found := graph.VJPRegistration[graph.NodeTypePad]; !found {
		graph.VJPRegistration[graph.NodeTypePad] = padVJP
	}
}

// padVJP is the gradient of a Pad that adds nothing (output shape = input shape): the identity
// for the operand, zero for the fill value. Other pads keep gomlx's "no gradient" error.
func padVJP(node *graph.Node, v []*graph.Node, _ shapes.Shape) []*graph.Node {
	x, fill := node.Inputs()[0], node.Inputs()[1]
	if !node.Shape().Equal(x.Shape()) {
		panic(fmt.Sprintf("vjp: no gradient is defined for Pad from %s to %s (only for padding by nothing)", x.Shape(), node.Shape()))
	}
	return []*graph.Node{v[0], graph.ZerosLike(fill)}
}

type state struct {
	backward Backward
	inputs   []*graph.Node
	v        *graph.Node
	grads    []*graph.Node
}

// grad returns the gradient for input i, computing all of them on first use after v arrived.
func (s *state) grad(i int) *graph.Node {
	if s.v == nil {
		panic("vjp.Custom: an input's gradient was requested before the output's (autodiff order changed?)")
	}
	if s.grads == nil {
		s.grads = s.backward(s.v)
		if len(s.grads) != len(s.inputs) {
			panic(fmt.Sprintf("vjp.Custom: Backward returned %d gradients for %d inputs", len(s.grads), len(s.inputs)))
		}
		for j, g := range s.grads {
			if g != nil && !g.Shape().Equal(s.inputs[j].Shape()) {
				panic(fmt.Sprintf("vjp.Custom: Backward's gradient %d has shape %s, input has %s", j, g.Shape(), s.inputs[j].Shape()))
			}
		}
	}
	g := s.grads[i]
	if g == nil {
		return graph.ZerosLike(s.inputs[i])
	}
	return g
}
