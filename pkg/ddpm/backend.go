package ddpm

import (
	"sync"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/gomlx/compute"
)

// SequentialGoConfig is the pure-Go backend with ops executed one at a time (each op still
// uses all cores internally, e.g. the matmuls).
const SequentialGoConfig = "go:ops_sequential"

// Backend returns the backend for U-Net training and sampling: backend.Default(), except that
// the pure-Go backend chosen by default is replaced by SequentialGoConfig. Measured here
// (gomlx compute v0.1.3): with the default parallel op scheduling a 32×32 U-Net training step
// deadlocks in the backend's worker pool (one goroutine in Pool.WaitToStart, the matmul in
// Pool.Saturate); sequential op scheduling avoids it at no measurable cost, since the large
// ops parallelise internally. An explicit $GOMLX_BACKEND is respected as is.
//
// The backend is created once per process (tensors cannot move between backend instances).
func Backend() (compute.Backend, error) {
	seqOnce.Do(func() {
		cfg, reason := backend.Config()
		if cfg == "go" {
			seqB, seqErr = backend.NewWithConfig(SequentialGoConfig, reason+"; ops_sequential avoids a worker-pool deadlock")
			return
		}
		seqB, seqErr = backend.Default()
	})
	return seqB, seqErr
}

var (
	seqOnce sync.Once
	seqB    compute.Backend
	seqErr  error
)

// MustBackend is Backend for notebooks: it panics on error.
func MustBackend() compute.Backend {
	b, err := Backend()
	if err != nil {
		panic(err)
	}
	return b
}
