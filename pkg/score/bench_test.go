package score

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/diffregimes/diffregimes/pkg/backend"
)

// BenchmarkEmpirical times the exact empirical score of eq. (2) for b points against n
// training points in dimension d and reports GFLOP/s, counting 4·b·n·d flops (the logits
// matmul and the weighted-mean matmul; the exponentials are O(b·n)). The shapes are
// n=2000,d=768,b=4096 and n=20000,d=3072,b=4096 (the second takes tens of seconds per call
// on a 2-core CPU: run it with -benchtime 1x).
func BenchmarkEmpirical(b *testing.B) {
	for _, c := range []struct {
		n, d, batch, chunk int
		fused              bool
	}{
		{2000, 768, 4096, 512, true}, {2000, 768, 4096, 2048, true}, {2000, 768, 4096, 2048, false},
		{2000, 768, 1024, 2048, true}, {2000, 768, 1024, 2048, false},
		{20000, 3072, 4096, 2048, true}, {20000, 3072, 4096, 2048, false},
	} {
		b.Run(fmt.Sprintf("n=%d/d=%d/b=%d/chunk=%d/fused=%v", c.n, c.d, c.batch, c.chunk, c.fused), func(b *testing.B) {
			defer func(v bool) { chunkSoftmax = v }(chunkSoftmax)
			chunkSoftmax = c.fused
			r := rand.New(rand.NewPCG(1, 2))
			a := make([]float32, c.n*c.d)
			for i := range a {
				a[i] = float32(r.NormFloat64())
			}
			ds, err := NewDataset(a, c.n, c.d, c.chunk)
			if err != nil {
				b.Fatal(err)
			}
			emp, _ := NewEmpirical(ds)
			exec, err := model.NewExec(backend.MustDefault(), emp.Store(), func(_ *model.Scope, x, t *graph.Node) *graph.Node {
				return graph.ReduceAllSum(emp.Graph(x, t))
			})
			if err != nil {
				b.Fatal(err)
			}
			xs := make([]float32, c.batch*c.d)
			for i := range xs {
				xs[i] = float32(r.NormFloat64())
			}
			x := tensors.FromFlatDataAndDimensions(xs, c.batch, c.d)
			if _, err := exec.Exec(x, float32(0.5)); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				if _, err := exec.Exec(x, float32(0.5)); err != nil {
					b.Fatal(err)
				}
			}
			flops := 4 * float64(c.batch) * float64(c.n) * float64(c.d) * float64(b.N)
			b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
