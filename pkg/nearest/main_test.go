package nearest

import (
	"os"
	"testing"
)

// TestMain selects sequential op scheduling for the pure-Go backend unless $GOMLX_BACKEND is
// set: parallel op scheduling can deadlock two concurrent large matmuls (gomlx/compute v0.1.3).
func TestMain(m *testing.M) {
	if os.Getenv("GOMLX_BACKEND") == "" {
		os.Setenv("GOMLX_BACKEND", "go:ops_sequential")
	}
	os.Exit(m.Run())
}
