package numeric

import (
	"math"
	"testing"
)

// exp32Args are arguments across Exp32's whole range and past both ends: a dense grid of
// [-90, 90], the boundaries, ±0, ±Inf and huge values, in a length that is not a multiple of 8.
func exp32Args() []float32 {
	var xs []float32
	for i := 0; i <= 180_000; i++ {
		xs = append(xs, float32(-90+float64(i)*1e-3))
	}
	xs = append(xs, exp32Min, exp32Max, math.Nextafter32(exp32Min, 0), math.Nextafter32(exp32Min, -100),
		math.Nextafter32(exp32Max, 0), math.Nextafter32(exp32Max, 100), 0, float32(math.Copysign(0, -1)),
		float32(math.Inf(1)), float32(math.Inf(-1)), 1e30, -1e30, 1e-30, -1e-30, 3)
	return xs
}

// Exp32s must give Exp32's bits for every argument: the vector kernel repeats its roundings.
func TestExp32sMatchesExp32(t *testing.T) {
	xs := exp32Args()
	got := append([]float32(nil), xs...)
	Exp32s(got)
	bad := 0
	for i, x := range xs {
		if want := Exp32(x); math.Float32bits(got[i]) != math.Float32bits(want) {
			if bad++; bad <= 5 {
				t.Errorf("Exp32s at %g = %g (%#x), Exp32 = %g (%#x)", x, got[i], math.Float32bits(got[i]), want, math.Float32bits(want))
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d arguments differ", bad, len(xs))
	}
}

// Exp32 against math.Exp: a few float32 ulps over the normal range, 0 below it, +Inf above.
func TestExp32(t *testing.T) {
	var worst float64
	for i := 0; i <= 1_000_000; i++ {
		x := float32(-87 + 175*float64(i)/1_000_000)
		got, want := float64(Exp32(x)), math.Exp(float64(x))
		if e := math.Abs(got-want) / want; e > worst {
			worst = e
		}
	}
	if worst > 3e-7 {
		t.Errorf("Exp32: max relative error %.3g over [-87, 88], want < 3e-7 (2.5 float32 ulps)", worst)
	}
	if v := Exp32(-100); v != 0 {
		t.Errorf("Exp32(-100) = %g, want 0", v)
	}
	if v := Exp32(100); !math.IsInf(float64(v), 1) {
		t.Errorf("Exp32(100) = %g, want +Inf", v)
	}
}

// SiLU32s must give SiLU32's bits; SiLU32 itself is u·σ(u): ~u for large u, -0 for very
// negative u, never NaN.
func TestSiLU32s(t *testing.T) {
	xs := exp32Args()
	got := append([]float32(nil), xs...)
	SiLU32s(got)
	for i, x := range xs {
		want := SiLU32(x)
		if math.Float32bits(got[i]) != math.Float32bits(want) && !(math.IsNaN(float64(want)) && math.IsNaN(float64(got[i]))) {
			t.Fatalf("SiLU32s at %g = %g, SiLU32 = %g", x, got[i], want)
		}
	}
	for _, u := range []float32{-3, -0.5, 0.25, 2, 10} {
		want := float64(u) / (1 + math.Exp(-float64(u)))
		if got := float64(SiLU32(u)); math.Abs(got-want) > 3e-7*math.Abs(want) {
			t.Errorf("SiLU32(%g) = %g, want %g", u, got, want)
		}
	}
	if v := SiLU32(-200); v != 0 || math.IsNaN(float64(v)) {
		t.Errorf("SiLU32(-200) = %g, want -0", v)
	}
}

func BenchmarkExp32s(b *testing.B) {
	v := make([]float32, 4096)
	for b.Loop() {
		for i := range v {
			v[i] = -float32(i%97) * 0.1
		}
		Exp32s(v)
	}
}

func BenchmarkExp32Loop(b *testing.B) {
	v := make([]float32, 4096)
	for b.Loop() {
		for i := range v {
			v[i] = -float32(i%97) * 0.1
		}
		for i, x := range v {
			v[i] = Exp32(x)
		}
	}
}
