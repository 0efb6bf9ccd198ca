package score

import (
	"os"
	"testing"
)

// TestMain selects the pure-Go backend with sequential op scheduling unless $GOMLX_BACKEND
// says otherwise: with parallel op scheduling, two large matmuls running at once can each wait
// for a worker the other holds (gomlx/compute v0.1.3 workerspool.Saturate), hanging the test.
func TestMain(m *testing.M) {
	if os.Getenv("GOMLX_BACKEND") == "" {
		os.Setenv("GOMLX_BACKEND", "go:ops_sequential")
	}
	os.Exit(m.Run())
}
