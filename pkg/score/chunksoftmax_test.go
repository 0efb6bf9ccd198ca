package score

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/diffregimes/diffregimes/pkg/backend"
)

// The fused per-chunk softmax (chunkSoftmax) and the streamed exponentials must give the same
// score and the same nearest index as Dataset.ArgMax, with one chunk and with chunks that do
// not divide n.
func TestChunkSoftmaxMatchesStreamed(t *testing.T) {
	defer func(v bool) { chunkSoftmax = v }(chunkSoftmax)
	be := backend.MustDefault()
	r := rand.New(rand.NewPCG(7, 8))
	const n, d, b = 50, 6, 9
	a32, _ := randn(r, n*d)
	x32, _ := randn(r, b*d)
	for _, chunk := range []int{0, 7} {
		ds, err := NewDataset(a32, n, d, chunk)
		if err != nil {
			t.Fatal(err)
		}
		emp, _ := NewEmpirical(ds)
		run := func(fused bool) (f []float32, idx, want []int32) {
			chunkSoftmax = fused
			exec, err := model.NewExec(be, emp.Store(), func(_ *model.Scope, x, tt *graph.Node) []*graph.Node {
				f, idx := emp.GraphNearest(x, tt)
				decay, delta := DecayDelta(tt)
				ref, _ := ds.ArgMax(x, graph.Div(decay, delta), graph.Div(graph.MulScalar(graph.Mul(decay, decay), -0.5), delta))
				return []*graph.Node{f, idx, ref}
			})
			if err != nil {
				t.Fatal(err)
			}
			out, err := exec.Exec(tensors.FromFlatDataAndDimensions(x32, b, d), float32(0.3))
			if err != nil {
				t.Fatal(err)
			}
			f, _ = tensors.CopyFlatData[float32](out[0])
			idx, _ = tensors.CopyFlatData[int32](out[1])
			want, _ = tensors.CopyFlatData[int32](out[2])
			return f, idx, want
		}
		f1, i1, w1 := run(true)
		f0, i0, _ := run(false)
		if e := maxRelErr(f1, to64(f0)); e > 1e-5 {
			t.Errorf("chunk %d: fused vs streamed score: relative difference %.2g", chunk, e)
		}
		for i := range b {
			if i1[i] != w1[i] || i0[i] != w1[i] {
				t.Errorf("chunk %d row %d: nearest fused %d, streamed %d, ArgMax %d", chunk, i, i1[i], i0[i], w1[i])
			}
		}
	}
}
