package score

import (
	"fmt"
	"github.com/diffregimes/diffregimes/pkg/blas"
	"github.com/diffregimes/diffregimes/pkg/numeric"
	"math"
)

// HostEmpirical computes the exact empirical score F(x, t) of eq. (2) on the host, for the
// pure-Go CPU backend: the two products of eq. (2) — the logits x·a_μ and the weighted mean
// Σ_μ w_μ a_μ — go to the sgemm of a BLAS library loaded at run time (Debian's OpenBLAS, see
// BLAS), the softmax in between is one pass per row in float32 (numeric.Exp32s, eight lanes at a time) on all cores. It is the
// same computation as Empirical.Graph, whose gomlx graph stays the path for accelerators.
//
// A batch is processed in blocks of query rows, so that the [rows, n] logits of one block
// stay below about 64 MiB whatever n and b.
type HostEmpirical struct {
	ds   *Dataset
	a2   []float32 // |a_μ|², n
	blas *blas.Lib
}

// NewHostEmpirical returns the host kernel of the dataset's exact empirical score, or an error
// if no BLAS library can be loaded (then use Empirical's graph).
func NewHostEmpirical(ds *Dataset) (*HostEmpirical, error) {
	if ds == nil {
		return nil, fmt.Errorf("score: NewHostEmpirical: dataset is nil")
	}
	lib, err := blas.Load()
	if err != nil {
		return nil, err
	}
	h := &HostEmpirical{ds: ds, a2: make([]float32, ds.n), blas: lib}
	for mu := range ds.n {
		var s float64
		for _, v := range ds.Point(mu) {
			s += float64(v) * float64(v)
		}
		h.a2[mu] = float32(s)
	}
	return h, nil
}

// Dim is the dimension d of the data.
func (h *HostEmpirical) Dim() int { return h.ds.d }

// Dataset returns the training points.
func (h *HostEmpirical) Dataset() *Dataset { return h.ds }

// hostBlockBytes bounds the logits of one block of query rows (a variable for the tests).
var hostBlockBytes = 64 << 20

// Score returns F(x, t) of eq. (2) for the b = len(x)/d points x (row-major [b, d]) at time
// t > 0, row-major [b, d]. When nearest is not nil (length b) it also receives μ*(t), the
// index of the largest softmax weight (argmin_μ |a_μ e^{-t} - x|), as GraphNearest returns.
func (h *HostEmpirical) Score(x []float32, t float64, nearest []int32) ([]float32, error) {
	d, n := h.ds.d, h.ds.n
	switch {
	case len(x) == 0 || len(x)%d != 0:
		return nil, fmt.Errorf("score: HostEmpirical.Score: x has %d values, not a positive multiple of d = %d", len(x), d)
	case !(t > 0) || math.IsInf(t, 0):
		return nil, fmt.Errorf("score: HostEmpirical.Score: t must be > 0 and finite, got %g", t)
	case nearest != nil && len(nearest) != len(x)/d:
		return nil, fmt.Errorf("score: HostEmpirical.Score: nearest has length %d, want b = %d", len(nearest), len(x)/d)
	}
	b := len(x) / d
	decay, delta := math.Exp(-t), -math.Expm1(-2*t)
	c1 := float32(decay / delta)
	c2 := float32(-0.5 * decay * decay / delta)
	rows := max(1, min(b, hostBlockBytes/4/n))
	out := make([]float32, b*d)
	logits := make([]float32, rows*n)
	inv := make([]float32, rows)
	for r0 := 0; r0 < b; r0 += rows {
		q := min(rows, b-r0)
		xb := x[r0*d : (r0+q)*d]
		l := logits[:q*n]
		// l_μ = c1 x·a_μ + c2 |a_μ|² (eq. 2 up to the |x|² term, which cancels).
		h.blas.Gemm(true, q, n, d, c1, xb, h.ds.host, 0, l)
		var idx []int32
		if nearest != nil {
			idx = nearest[r0 : r0+q]
		}
		h.softmaxRows(l, q, n, c2, inv[:q], idx)
		// w = Σ_μ exp(l_μ - m) a_μ, then F = (e^{-t} w / s - x) / Δ_t.
		ob := out[r0*d : (r0+q)*d]
		h.blas.Gemm(false, q, d, n, 1, l, h.ds.host, 0, ob)
		e, id := float32(decay), float32(1/delta)
		numeric.ParallelRanges(q, func(i0, i1 int) {
			for i := i0; i < i1; i++ {
				ei := e * inv[i]
				orow, xrow := ob[i*d:(i+1)*d], xb[i*d:(i+1)*d]
				for j := range orow {
					orow[j] = (ei*orow[j] - xrow[j]) * id
				}
			}
		})
	}
	return out, nil
}

// softmaxRows adds c2·|a_μ|² to each of the q rows of l ([q, n]), replaces it with
// exp(l_μ - max_μ l_μ) and stores 1/Σ_μ exp(l_μ - max) in inv (and the arg-max in idx).
func (h *HostEmpirical) softmaxRows(l []float32, q, n int, c2 float32, inv []float32, idx []int32) {
	a2 := h.a2
	numeric.ParallelRanges(q, func(i0, i1 int) {
		for i := i0; i < i1; i++ {
			row := l[i*n : (i+1)*n]
			m, arg := float32(math.Inf(-1)), 0
			for mu := range row {
				v := row[mu] + c2*a2[mu]
				row[mu] = v
				if v > m {
					m, arg = v, mu
				}
			}
			for mu := range row {
				row[mu] -= m
			}
			numeric.Exp32s(row)
			var s float32
			for _, p := range row {
				s += p
			}
			inv[i] = 1 / s
			if idx != nil {
				idx[i] = int32(arg)
			}
		}
	})
}
