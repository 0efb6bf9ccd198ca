package score

import (
	"fmt"
	"sync"

	"github.com/ebitengine/purego"
)

// sgemm is cblas_sgemm of a BLAS library loaded at run time (no cgo, no build-time
// dependency): C = alpha op(A) op(B) + beta C, row-major.
type sgemmFunc func(order, transA, transB, m, n, k int32, alpha float32, a *float32, lda int32,
	b *float32, ldb int32, beta float32, c *float32, ldc int32)

const (
	cblasRowMajor = 101
	cblasNoTrans  = 111
	cblasTrans    = 112
)

// blasLib is the loaded library: its sgemm and its name.
type blasLib struct {
	sgemm sgemmFunc
	name  string
}

// blasCandidates are the shared libraries tried in order: Debian's OpenBLAS
// (libopenblas0-pthread, also behind the libblas.so.3 alternative).
var blasCandidates = []string{"libopenblas.so.0", "libopenblas.so"}

var loadBLAS = sync.OnceValues(func() (*blasLib, error) {
	var errs []error
	for _, name := range blasCandidates {
		h, err := purego.Dlopen(name, purego.RTLD_NOW|purego.RTLD_GLOBAL)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		sym, err := purego.Dlsym(h, "cblas_sgemm")
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
			continue
		}
		lib := &blasLib{name: name}
		purego.RegisterFunc(&lib.sgemm, sym)
		if c, err := purego.Dlsym(h, "openblas_get_corename"); err == nil {
			var corename func() string
			purego.RegisterFunc(&corename, c)
			lib.name += " (kernel " + corename() + ")"
		}
		return lib, nil
	}
	return nil, fmt.Errorf("score: no BLAS library for the host kernel (install Debian's libopenblas0-pthread): %v", errs)
})

// BLAS returns the name of the BLAS library that HostEmpirical uses (e.g.
// "libopenblas.so.0 (kernel Zen)") or an error saying why none could be loaded.
func BLAS() (string, error) {
	lib, err := loadBLAS()
	if err != nil {
		return "", err
	}
	return lib.name, nil
}

// gemm computes C[m, n] = alpha A·op(B) (+ beta C) for row-major A [m, k] and B [n, k] when
// transB (A·Bᵀ), B [k, n] otherwise.
func (l *blasLib) gemm(transB bool, m, n, k int, alpha float32, a []float32, b []float32, beta float32, c []float32) {
	tb, ldb := int32(cblasNoTrans), int32(n)
	if transB {
		tb, ldb = cblasTrans, int32(k)
	}
	_, _, _ = a[m*k-1], b[n*k-1], c[m*n-1] // bounds, before handing raw pointers to C
	l.sgemm(cblasRowMajor, cblasNoTrans, tb, int32(m), int32(n), int32(k), alpha, &a[0], int32(k),
		&b[0], ldb, beta, &c[0], int32(n))
}
