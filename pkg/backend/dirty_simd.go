//go:build goexperiment.simd && amd64

package backend

import "simd/archsimd"

// dirtyUpper runs one 512-bit (or 256-bit) vector operation, as the pure-Go backend's kernels
// do, so that the upper halves of the vector registers hold data when ExpNanos times math.Exp.
// It works on a local buffer (safe to call concurrently) and returns one of its values so that
// the operation is not optimised away.
//
//go:noinline
func dirtyUpper() float32 {
	buf := [16]float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	switch {
	case archsimd.X86.AVX512():
		v := archsimd.LoadFloat32x16Slice(buf[:])
		v.Add(v).StoreSlice(buf[:])
	case archsimd.X86.AVX2():
		v := archsimd.LoadFloat32x8Slice(buf[:])
		v.Add(v).StoreSlice(buf[:])
	}
	return buf[15]
}
