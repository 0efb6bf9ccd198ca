package realdata

import (
	"os"

	"github.com/gomlx/compute"

	"github.com/diffregimes/diffregimes/pkg/backend"
)

// Backend returns the process-wide backend (backend.Default). When nothing is configured and
// the choice falls on the pure-Go backend, it selects its sequential op scheduling first: with
// parallel op scheduling two large concurrent matmuls (the chunks of the empirical score) can
// deadlock in gomlx/compute v0.1.3, as the engine's tests found.
func Backend() (compute.Backend, error) {
	if os.Getenv(backend.EnvVar) == "" {
		if c, _ := backend.Config(); c == "go" {
			os.Setenv(backend.EnvVar, "go:ops_sequential")
		}
	}
	return backend.Default()
}

// MustBackend is Backend for notebooks: it panics on error.
func MustBackend() compute.Backend {
	b, err := Backend()
	if err != nil {
		panic(err)
	}
	return b
}
