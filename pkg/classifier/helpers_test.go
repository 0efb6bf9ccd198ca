package classifier

import (
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

func mustGraph2(t *testing.T, logits []float32, labels []int32) float64 {
	t.Helper()
	exec, err := NewExec(backend.MustDefault(), func(z, y *Node) *Node { return crossEntropy(z, y, 3) })
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec(tensors.FromFlatDataAndDimensions(logits, 3, 3), tensors.FromFlatDataAndDimensions(labels, 3))
	if err != nil {
		t.Fatal(err)
	}
	return float64(tensors.ToScalar[float32](out[0]))
}
