//go:build goexperiment.simd && amd64

package numeric

import "simd/archsimd"

// hasAVX2 selects the eight-lane kernels of Exp32s and SiLU32s.
var hasAVX2 = archsimd.X86.AVX2()

// exp32x8 is Exp32 on eight lanes, operation for operation (same roundings, so the same bits
// for every argument of the normal range): 2^k is built in the exponent field.
func exp32x8(x archsimd.Float32x8) archsimd.Float32x8 {
	b := archsimd.BroadcastFloat32x8
	lo := b(exp32Min)
	normal := x.GreaterEqual(lo)
	x = x.Max(lo).Min(b(exp32Max))
	fk := x.Mul(b(log2e32)).Add(b(0.5)).Floor()
	g := x.Sub(fk.Mul(b(ln2Hi32))).Sub(fk.Mul(b(ln2Lo32)))
	p := b(expP0).Mul(g).Add(b(expP1)).Mul(g).Add(b(expP2)).Mul(g).Add(b(expP3)).Mul(g).Add(b(expP4)).Mul(g).Add(b(expP5))
	p = p.Mul(g).Mul(g).Add(g).Add(b(1))
	two := fk.ConvertToInt32().Add(archsimd.BroadcastInt32x8(127)).ShiftAllLeft(23).AsFloat32x8()
	return p.Mul(two).Masked(normal)
}

func exp32s(v []float32) {
	i := 0
	if hasAVX2 {
		for ; i+8 <= len(v); i += 8 {
			exp32x8(archsimd.LoadFloat32x8Slice(v[i:])).StoreSlice(v[i:])
		}
	}
	for ; i < len(v); i++ {
		v[i] = Exp32(v[i])
	}
}

func silu32s(v []float32) {
	i := 0
	if hasAVX2 {
		one := archsimd.BroadcastFloat32x8(1)
		zero := archsimd.BroadcastFloat32x8(0)
		for ; i+8 <= len(v); i += 8 {
			u := archsimd.LoadFloat32x8Slice(v[i:])
			u.Div(one.Add(exp32x8(zero.Sub(u)))).StoreSlice(v[i:])
		}
	}
	for ; i < len(v); i++ {
		v[i] = SiLU32(v[i])
	}
}
