package blas

import (
	"math"
	"math/rand/v2"
	"testing"
)

// naive is the plain triple loop in float64 of C = alpha A·op(B) + beta C0.
func naive(transB bool, m, n, k int, alpha float64, a, b []float32, beta float64, c0 []float32) []float64 {
	out := make([]float64, m*n)
	for i := range m {
		for j := range n {
			var s float64
			for p := range k {
				bv := b[p*n+j]
				if transB {
					bv = b[j*k+p]
				}
				s += float64(a[i*k+p]) * float64(bv)
			}
			out[i*n+j] = alpha*s + beta*float64(c0[i*n+j])
		}
	}
	return out
}

func TestGemmMatchesLoops(t *testing.T) {
	lib, err := Load()
	if err != nil {
		t.Skip(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	fill := func(n int) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		return v
	}
	for _, tb := range []bool{false, true} {
		m, n, k := 37, 11, 53
		a, b, c := fill(m*k), fill(k*n), fill(m*n)
		want := naive(tb, m, n, k, 0.5, a, b, 2, c)
		lib.Gemm(tb, m, n, k, 0.5, a, b, 2, c)
		for i := range c {
			// float32 products summed over k = 53 terms of size ~1: rounding ~ sqrt(k)·2^-24·|terms|.
			if d := math.Abs(float64(c[i]) - want[i]); d > 1e-5*float64(k) {
				t.Fatalf("transB=%v: C[%d] = %g, loops %g", tb, i, c[i], want[i])
			}
		}
	}
	// Transposed A with a leading dimension larger than the row: A stored [k, lda].
	m, n, k, lda := 5, 4, 3, 9
	at, b, c := fill(k*lda), fill(k*n), make([]float32, m*n)
	lib.GemmStrided(true, false, m, n, k, 1, at, lda, b, 0, 0, c, 0)
	for i := range m {
		for j := range n {
			var s float64
			for p := range k {
				s += float64(at[p*lda+i]) * float64(b[p*n+j])
			}
			if d := math.Abs(float64(c[i*n+j]) - s); d > 1e-5 {
				t.Fatalf("transA: C[%d,%d] = %g, loops %g", i, j, c[i*n+j], s)
			}
		}
	}
	if lib.Name() == "" {
		t.Fatal("empty library name")
	}
}
