//go:build goexperiment.simd && amd64

package backend

import "simd/archsimd"

var dirtyBuf = [16]float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}

// dirtyUpper runs one 512-bit (or 256-bit) vector operation, as the pure-Go backend's kernels
// do, so that the upper halves of the vector registers hold data when ExpNanos times math.Exp.
//
//go:noinline
func dirtyUpper() {
	switch {
	case archsimd.X86.AVX512():
		v := archsimd.LoadFloat32x16Slice(dirtyBuf[:])
		v.Add(v).StoreSlice(dirtyBuf[:])
	case archsimd.X86.AVX2():
		v := archsimd.LoadFloat32x8Slice(dirtyBuf[:])
		v.Add(v).StoreSlice(dirtyBuf[:])
	}
	for i := range dirtyBuf {
		dirtyBuf[i] = float32(i + 1)
	}
}
