// Package backend picks the gomlx compute backend that every graph in diffregimes runs on.
//
// The default is the pure-Go backend with sequential op scheduling ("go:ops_sequential", see
// GoConfig for the deadlock it avoids), which runs anywhere and uses AVX2/AVX-512
// matmuls when the binary is built with GOEXPERIMENT=simd. When the binary is built with the
// `xla` build tag and a PJRT CUDA plugin is found (see FindCUDAPlugin), the XLA backend on the
// GPU ("xla:cuda") is chosen instead. $GOMLX_BACKEND always overrides the choice.
//
// Nothing here downloads anything: GOMLX_NO_AUTO_INSTALL=1 is set before a backend is made.
package backend
