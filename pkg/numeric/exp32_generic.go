//go:build !(goexperiment.simd && amd64)

package numeric

func exp32s(v []float32) {
	for i, x := range v {
		v[i] = Exp32(x)
	}
}

func silu32s(v []float32) {
	for i, x := range v {
		v[i] = SiLU32(x)
	}
}
