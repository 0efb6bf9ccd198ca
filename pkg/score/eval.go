package score

import (
	"fmt"
	"math"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// StoreOf returns the store a score's graph must run with: Store() for a WithStore score,
// else a fresh empty store (plain scores need no parameters).
func StoreOf(s Score) *model.Store {
	if ws, ok := s.(WithStore); ok && ws.Store() != nil {
		return ws.Store()
	}
	return model.NewStore()
}

// Evaluator evaluates a score on host data, F(x, t) for a batch of points; it compiles one
// graph per batch size and reuses it.
type Evaluator struct {
	s    Score
	exec *model.Exec
}

// NewEvaluator prepares the evaluation of s on backend b.
func NewEvaluator(b compute.Backend, s Score) (*Evaluator, error) {
	if b == nil {
		return nil, fmt.Errorf("score: NewEvaluator: backend is nil")
	}
	if s == nil {
		return nil, fmt.Errorf("score: NewEvaluator: score is nil")
	}
	exec, err := model.NewExec(b, StoreOf(s), func(_ *model.Scope, x, t *graph.Node) *graph.Node {
		return s.Graph(x, t)
	})
	if err != nil {
		return nil, err
	}
	return &Evaluator{s: s, exec: exec}, nil
}

// minTime32 is the smallest normal float32: the graph runs in float32, and below it float32(t)
// is subnormal or 0, so that Δ_t and 1/Δ_t leave float32's range.
const minTime32 = 0x1p-126

// Eval returns F(x, t) (row-major, like x) for the points x given row-major with the score's
// dimension d. It returns an error for t <= 0, t below float32's normal range (the graph's
// precision), an empty batch, len(x) not a multiple of d, and for an output that is not finite
// (float32 overflow at tiny t), naming t.
func (e *Evaluator) Eval(x []float32, t float64) ([]float32, error) {
	d := e.s.Dim()
	switch {
	case !(t > 0) || math.IsInf(t, 0):
		return nil, fmt.Errorf("score: Eval: time t must be > 0 and finite, got %g", t)
	case t < minTime32:
		return nil, fmt.Errorf("score: Eval: time t = %g is below float32's normal range (%g): the float32 graph cannot resolve Δ_t", t, minTime32)
	case len(x) == 0:
		return nil, fmt.Errorf("score: Eval: batch x is empty")
	case len(x)%d != 0:
		return nil, fmt.Errorf("score: Eval: x has %d values, not a multiple of d = %d", len(x), d)
	}
	out, err := e.exec.Exec(tensors.FromFlatDataAndDimensions(x, len(x)/d, d), float32(t))
	if err != nil {
		return nil, err
	}
	f, err := tensors.CopyFlatData[float32](out[0])
	if err != nil {
		return nil, err
	}
	for i, v := range f {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("score: Eval: F(x, t = %g) is not finite (F[%d] = %v): float32 overflow, t too small for these data", t, i, v)
		}
	}
	return f, nil
}
