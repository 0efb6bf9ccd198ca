//go:build !(goexperiment.simd && amd64)

package backend

// dirtyUpper is a no-op without GOEXPERIMENT=simd on amd64: no vector code to mix with.
func dirtyUpper() float32 { return 0 }
