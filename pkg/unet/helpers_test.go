package unet

import (
	"sync"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
)

func shapeF32(dims ...int) shapes.Shape { return shapes.Make(dtypes.Float32, dims...) }

var testBackend = sync.OnceValue(func() compute.Backend {
	// The default parallel op scheduling of the pure-Go backend deadlocks on U-Net training
	// steps (see ddpm.Backend); tests and benchmarks use sequential op scheduling.
	if cfg, _ := backend.Config(); cfg == "go" {
		b, err := backend.NewWithConfig("go:ops_sequential", "tests")
		if err != nil {
			panic(err)
		}
		return b
	}
	return backend.MustDefault()
})
