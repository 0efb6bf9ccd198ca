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

// Eval returns F(x, t) (row-major, like x) for the points x given row-major with the score's
// dimension d. It returns an error for t <= 0, an empty batch or len(x) not a multiple of d.
func (e *Evaluator) Eval(x []float32, t float64) ([]float32, error) {
	d := e.s.Dim()
	switch {
	case !(t > 0) || math.IsInf(t, 0):
		return nil, fmt.Errorf("score: Eval: time t must be > 0 and finite, got %g", t)
	case len(x) == 0:
		return nil, fmt.Errorf("score: Eval: batch x is empty")
	case len(x)%d != 0:
		return nil, fmt.Errorf("score: Eval: x has %d values, not a multiple of d = %d", len(x), d)
	}
	out, err := e.exec.Exec(tensors.FromFlatDataAndDimensions(x, len(x)/d, d), float32(t))
	if err != nil {
		return nil, err
	}
	return tensors.CopyFlatData[float32](out[0])
}
