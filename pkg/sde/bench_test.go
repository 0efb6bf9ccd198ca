package sde

import (
	"fmt"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/score"
)

// BenchmarkMixtureStep times one backward step (eq. 55 with the mixture score, eq. 54) for
// b trajectories in dimension d, with K steps fused per graph call.
func BenchmarkMixtureStep(b *testing.B) {
	for _, c := range []struct{ d, batch, k int }{{64, 256, 1}, {64, 256, 25}, {256, 2000, 1}, {256, 2000, 25}} {
		b.Run(fmt.Sprintf("d=%d/b=%d/K=%d", c.d, c.batch, c.k), func(b *testing.B) {
			m := make([]float32, c.d)
			for i := range m {
				m[i] = 1
			}
			s, _ := score.NewMixture(m, 1)
			in, err := New(backend.MustDefault(), s, Config{T: 10, L: 1000, K: c.k})
			if err != nil {
				b.Fatal(err)
			}
			x, _ := in.Start(c.batch)
			if x, err = in.Run(x, 0, c.k); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				k0 := (i * c.k) % (1000 - c.k)
				if x, err = in.Run(x, k0, k0+c.k); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*c.k), "us/step")
		})
	}
}
