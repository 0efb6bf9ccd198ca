package numeric

import "math"

// Exp32 is e^x in float32 (softmax arguments, SiLU), Cephes' expf: x = k ln2 + g with
// |g| <= ln2/2, e^g by a degree-7 polynomial, times 2^k through the exponent bits. Relative
// error below 2e-7 over the normal range (TestExp32); 0 below -87.3 (e^x underflows float32).
func Exp32(x float32) float32 {
	const (
		log2e = log2e32
		ln2Hi = ln2Hi32
		ln2Lo = ln2Lo32
	)
	if x < exp32Min {
		return 0
	}
	if x > exp32Max {
		return float32(math.Inf(1))
	}
	z := x*log2e + 0.5
	k := int32(z)
	if z < 0 && float32(k) != z { // floor for negative z
		k--
	}
	fk := float32(k)
	g := x - fk*ln2Hi - fk*ln2Lo
	p := ((((((expP0*g+expP1)*g+expP2)*g+expP3)*g+expP4)*g+expP5)*g*g + g + 1)
	if k < -126 { // 2^k subnormal: scale in two steps
		return p * math.Float32frombits(uint32(k+126+127)<<23) * math.Float32frombits(uint32(1)<<23)
	}
	return p * math.Float32frombits(uint32(k+127)<<23)
}

// The constants of Exp32 (Cephes' expf): its range, ln 2 split in two for the reduction, and
// the minimax polynomial of e^g - 1 - g on |g| <= ln2/2.
const (
	exp32Min = -87.33654
	exp32Max = 88.72
	log2e32  = 1.44269504088896341
	ln2Hi32  = 0.693359375
	ln2Lo32  = -2.12194440e-4
	expP0    = 1.9875691500e-4
	expP1    = 1.3981999507e-3
	expP2    = 8.3334519073e-3
	expP3    = 4.1665795894e-2
	expP4    = 1.6666665459e-1
	expP5    = 5.0000001201e-1
)

// SiLU32 is the sigmoid-weighted linear unit u·σ(u) = u / (1 + e^{-u}) in float32, through Exp32.
func SiLU32(u float32) float32 { return u / (1 + Exp32(-u)) }

// Exp32s replaces each v[i] by Exp32(v[i]), eight lanes at a time where the CPU has AVX2 (built
// with GOEXPERIMENT=simd), with the same bits as Exp32 over its normal range.
func Exp32s(v []float32) { exp32s(v) }

// SiLU32s replaces each v[i] by SiLU32(v[i]), vectorised like Exp32s.
func SiLU32s(v []float32) { silu32s(v) }
