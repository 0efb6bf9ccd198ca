package realdata

import (
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

// BenchmarkTrack measures tracking μ*(t) along 256 trajectories of 20 steps, n = 512, d = 1024.
func BenchmarkTrack(b *testing.B) {
	ds, _ := clusters(512, 32, 0.5, 1, 1)
	e, err := NewEmpirical(backend.MustDefault(), "bench", ds)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := e.Track(256, sde.Config{T: 2, L: 20, K: 10, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
