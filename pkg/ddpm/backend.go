package ddpm

import (
	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/gomlx/compute"
)

// Backend returns the backend for U-Net training and sampling: the process-wide
// backend.Default(), whose CPU choice (sequential op scheduling) avoids the worker-pool deadlock
// that a 32×32 U-Net training step hits under the pure-Go backend's parallel scheduling.
// The backend is shared by the whole process because tensors cannot move between instances.
func Backend() (compute.Backend, error) { return backend.Default() }

// MustBackend is Backend for notebooks: it panics on error.
func MustBackend() compute.Backend { return backend.MustDefault() }
