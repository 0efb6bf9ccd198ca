// Package backend picks the gomlx compute backend that every graph in diffregimes runs on.
//
// The default is the pure-Go backend with sequential op scheduling ("go:ops_sequential", see
// GoConfig for the deadlock it avoids), which runs anywhere and uses AVX2/AVX-512
// matmuls when the binary is built with GOEXPERIMENT=simd. When the binary is built with the
// `xla` build tag and a PJRT CUDA plugin is found (see FindCUDAPlugin), the XLA backend on the
// GPU ("xla:cuda") is chosen instead. $GOMLX_BACKEND always overrides the choice.
//
// Nothing here downloads anything: an "xla" backend is refused unless the environment sets
// GOMLX_NO_AUTO_INSTALL=1 (NoAutoInstallEnv); the package sets no environment variable
// itself. IsGo tells the pure-Go backend from an accelerator. Default (or MustDefault, for
// notebooks) is the one accessor of the process-wide backend.
package backend
