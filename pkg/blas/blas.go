package blas

import (
	"fmt"
	"sync"

	"github.com/ebitengine/purego"
)

// sgemmFunc is cblas_sgemm: C = alpha op(A) op(B) + beta C, row-major.
type sgemmFunc func(order, transA, transB, m, n, k int32, alpha float32, a *float32, lda int32,
	b *float32, ldb int32, beta float32, c *float32, ldc int32)

const (
	cblasRowMajor = 101
	cblasNoTrans  = 111
	cblasTrans    = 112
)

// Lib is a loaded BLAS library.
type Lib struct {
	sgemm      sgemmFunc
	name       string
	setThreads func(int32) // openblas_set_num_threads, when the library has it
	getThreads func() int32
}

// Candidates are the shared libraries Load tries in order: Debian's OpenBLAS
// (libopenblas0-pthread, also behind the libblas.so.3 alternative).
var Candidates = []string{"libopenblas.so.0", "libopenblas.so"}

var load = sync.OnceValues(func() (*Lib, error) {
	var errs []error
	for _, name := range Candidates {
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
		lib := &Lib{name: name}
		purego.RegisterFunc(&lib.sgemm, sym)
		if set, err := purego.Dlsym(h, "openblas_set_num_threads"); err == nil {
			if get, err := purego.Dlsym(h, "openblas_get_num_threads"); err == nil {
				purego.RegisterFunc(&lib.setThreads, set)
				purego.RegisterFunc(&lib.getThreads, get)
			}
		}
		if c, err := purego.Dlsym(h, "openblas_get_corename"); err == nil {
			var corename func() string
			purego.RegisterFunc(&corename, c)
			lib.name += " (kernel " + corename() + ")"
		}
		return lib, nil
	}
	return nil, fmt.Errorf("blas: no BLAS library for the host kernels (install Debian's libopenblas0-pthread): %v", errs)
})

// Load returns the BLAS library (loaded once per process) or an error saying why none loads.
func Load() (*Lib, error) { return load() }

// Name is the library's file name and, for OpenBLAS, the kernel it picked for this CPU
// (e.g. "libopenblas.so.0 (kernel SkylakeX)").
func (l *Lib) Name() string { return l.name }

// SingleThreaded runs f with the library's own threads off (OpenBLAS's
// openblas_set_num_threads(1)), for callers that run products concurrently from their own
// goroutines, and restores the previous count after; calls from other goroutines meanwhile
// are single-threaded too. Without that function it just runs f.
func (l *Lib) SingleThreaded(f func()) {
	if l.setThreads == nil {
		f()
		return
	}
	threadsMu.Lock()
	defer threadsMu.Unlock()
	prev := l.getThreads()
	l.setThreads(1)
	defer l.setThreads(prev)
	f()
}

var threadsMu sync.Mutex

// Gemm computes C[m, n] = alpha A·op(B) + beta C for row-major A [m, k] and B [n, k] when
// transB (A·Bᵀ), B [k, n] otherwise. It panics, as an index out of range does, when a slice is
// shorter than its shape (checked before the pointers go to C).
func (l *Lib) Gemm(transB bool, m, n, k int, alpha float32, a []float32, b []float32, beta float32, c []float32) {
	l.GemmStrided(false, transB, m, n, k, alpha, a, k, b, 0, beta, c, n)
}

// GemmStrided is Gemm with op(A) too (transA: A is stored [k, m]) and explicit leading
// dimensions lda, ldb, ldc (0: the dense ones) of the row-major operands as stored.
func (l *Lib) GemmStrided(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int,
	b []float32, ldb int, beta float32, c []float32, ldc int) {
	ta, tb := int32(cblasNoTrans), int32(cblasNoTrans)
	ra, ca := m, k // rows and columns of A as stored
	if transA {
		ta, ra, ca = cblasTrans, k, m
	}
	rb, cbl := k, n
	if transB {
		tb, rb, cbl = cblasTrans, n, k
	}
	if lda == 0 {
		lda = ca
	}
	if ldb == 0 {
		ldb = cbl
	}
	if ldc == 0 {
		ldc = n
	}
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		for i := range m {
			row := c[i*ldc : i*ldc+n]
			for j := range row {
				row[j] *= beta
			}
		}
		return
	}
	_, _, _ = a[(ra-1)*lda+ca-1], b[(rb-1)*ldb+cbl-1], c[(m-1)*ldc+n-1] // bounds, before raw pointers go to C
	l.sgemm(cblasRowMajor, ta, tb, int32(m), int32(n), int32(k), alpha, &a[0], int32(lda),
		&b[0], int32(ldb), beta, &c[0], int32(ldc))
}
