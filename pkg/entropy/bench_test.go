package entropy

import (
	"math/rand/v2"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/score"
)

// BenchmarkExcessCV measures one control-variate f^e(t) point from 512 samples on n = 512,
// d = 1024 (the realdata Figure 5 shape at quick scale).
func BenchmarkExcessCV(b *testing.B) {
	const n, d = 512, 1024
	r := rand.New(rand.NewPCG(1, 1))
	a := make([]float32, n*d)
	for i := range a {
		a[i] = float32(r.NormFloat64())
	}
	ds, err := score.NewDataset(a, n, d, 0)
	if err != nil {
		b.Fatal(err)
	}
	est, err := New(backend.MustDefault(), ds, 512, 1)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := est.ExcessCV(0.3, 512); err != nil {
			b.Fatal(err)
		}
	}
}
