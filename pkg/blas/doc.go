// Package blas loads a BLAS library at run time (Debian's OpenBLAS, libopenblas0-pthread) and
// exposes its single-precision matrix product, for the host kernels of the pure-Go CPU backend
// (score.HostEmpirical, unet.Host):
//
//	C = α·op(A)·op(B) + β·C,   A [m, k], B [k, n] (or [n, k] transposed), C [m, n], row-major.
//
// It uses github.com/ebitengine/purego (no cgo, no build-time dependency): without the
// library, Load returns an error naming it and callers keep their gomlx graphs.
package blas
