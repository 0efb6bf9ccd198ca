package spectrum

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/mat"
)

// Operator is a symmetric linear map on R^d applied to vectors: what Lanczos needs.
type Operator interface {
	// Dim is d.
	Dim() int
	// MulVec sets dst = A v; dst and v have length Dim() and do not overlap.
	MulVec(dst, v []float64)
}

// Covariance is the covariance matrix of n data vectors a_μ ∈ R^d (the rows of X),
//
//	C_0 = Σ_μ w_μ (a_μ - ā)(a_μ - ā)^T,   ā = Σ_μ p_μ a_μ,
//
// applied as C_0 v = Σ_μ w_μ (a_μ - ā)·v (a_μ - ā) in O(n d) without forming the d×d matrix,
// so d = 12 288 (LSUN) costs no more memory than the data. Unweighted (NewCovariance):
// p_μ = 1/n, w_μ = 1/(n-1), the unbiased estimate (numpy.cov's convention). Weighted
// (NewWeightedCovariance): p_μ = w_μ, normalised weights.
type Covariance struct {
	x       []float32
	n, d    int
	mean    []float64
	weights []float64 // nil: uniform 1/(n-1)
}

// NewCovariance wraps the n×d row-major data x (not copied: do not modify it while in use).
func NewCovariance(x []float32, n, d int) (*Covariance, error) {
	if err := checkData(x, n, d); err != nil {
		return nil, err
	}
	c := &Covariance{x: x, n: n, d: d, mean: make([]float64, d)}
	for mu := 0; mu < n; mu++ {
		row := x[mu*d : (mu+1)*d]
		for i, v := range row {
			c.mean[i] += float64(v)
		}
	}
	for i := range c.mean {
		c.mean[i] /= float64(n)
	}
	return c, nil
}

// NewWeightedCovariance is the covariance of the data under the probability weights
// p_μ ∝ exp(logW[μ]), normalised by log-sum-exp so that any range of log-weights is safe.
func NewWeightedCovariance(x []float32, n, d int, logW []float64) (*Covariance, error) {
	if err := checkData(x, n, d); err != nil {
		return nil, err
	}
	if len(logW) != n {
		return nil, fmt.Errorf("spectrum: len(logW)=%d, want n=%d", len(logW), n)
	}
	lse := LogSumExp(logW)
	if math.IsInf(lse, 0) || math.IsNaN(lse) {
		return nil, fmt.Errorf("spectrum: log-weights have no finite log-sum-exp (%v)", lse)
	}
	c := &Covariance{x: x, n: n, d: d, mean: make([]float64, d), weights: make([]float64, n)}
	for mu, lw := range logW {
		w := math.Exp(lw - lse)
		c.weights[mu] = w
		row := x[mu*d : (mu+1)*d]
		for i, v := range row {
			c.mean[i] += w * float64(v)
		}
	}
	return c, nil
}

func checkData(x []float32, n, d int) error {
	switch {
	case n < 2:
		return fmt.Errorf("spectrum: n=%d data points, need at least 2 for a covariance", n)
	case d < 1:
		return fmt.Errorf("spectrum: dimension d=%d, need d >= 1", d)
	case len(x) != n*d:
		return fmt.Errorf("spectrum: data has %d values, want n*d = %d*%d = %d", len(x), n, d, n*d)
	}
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("spectrum: data value %d (row %d) is %v", i, i/d, v)
		}
	}
	return nil
}

// LogSumExp returns log Σ exp(v_i) without overflow.
func LogSumExp(v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		m = math.Max(m, x)
	}
	if math.IsInf(m, 0) {
		return m
	}
	var s float64
	for _, x := range v {
		s += math.Exp(x - m)
	}
	return m + math.Log(s)
}

// Dim is d.
func (c *Covariance) Dim() int { return c.d }

// N is the number of data vectors.
func (c *Covariance) N() int { return c.n }

// Mean returns ā (a copy).
func (c *Covariance) Mean() []float64 { return append([]float64(nil), c.mean...) }

func (c *Covariance) weight(mu int) float64 {
	if c.weights == nil {
		return 1 / float64(c.n-1)
	}
	return c.weights[mu]
}

// MulVec sets dst = C_0 v, splitting the rows over GOMAXPROCS goroutines.
func (c *Covariance) MulVec(dst, v []float64) {
	if len(dst) != c.d || len(v) != c.d {
		panic(fmt.Sprintf("spectrum: Covariance.MulVec: lengths %d, %d, want %d", len(dst), len(v), c.d))
	}
	var mv float64
	for i, m := range c.mean {
		mv += m * v[i]
	}
	workers := min(runtime.GOMAXPROCS(0), max(1, c.n/64))
	parts := make([][]float64, workers)
	sums := make([]float64, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			acc := make([]float64, c.d)
			var usum float64
			for mu := w * c.n / workers; mu < (w+1)*c.n/workers; mu++ {
				row := c.x[mu*c.d : (mu+1)*c.d]
				var dot float64
				for i, xv := range row {
					dot += float64(xv) * v[i]
				}
				u := c.weight(mu) * (dot - mv)
				usum += u
				for i, xv := range row {
					acc[i] += u * float64(xv)
				}
			}
			parts[w], sums[w] = acc, usum
		}(w)
	}
	wg.Wait()
	clear(dst)
	var usum float64
	for w := range parts {
		usum += sums[w]
		for i, a := range parts[w] {
			dst[i] += a
		}
	}
	// Σ u_μ (a_μ - ā) = Σ u_μ a_μ - (Σ u_μ) ā.
	for i := range dst {
		dst[i] -= usum * c.mean[i]
	}
}

// Trace returns tr C_0 = Σ_μ w_μ |a_μ - ā|², the total variance (sum of all eigenvalues).
func (c *Covariance) Trace() float64 {
	var t float64
	for mu := 0; mu < c.n; mu++ {
		row := c.x[mu*c.d : (mu+1)*c.d]
		var s float64
		for i, xv := range row {
			e := float64(xv) - c.mean[i]
			s += e * e
		}
		t += c.weight(mu) * s
	}
	return t
}

// Dense forms the d×d matrix (O(n d²) time, d² memory): for small d and for tests.
func (c *Covariance) Dense() *mat.SymDense {
	s := mat.NewSymDense(c.d, nil)
	e := make([]float64, c.d)
	for mu := 0; mu < c.n; mu++ {
		row := c.x[mu*c.d : (mu+1)*c.d]
		for i, xv := range row {
			e[i] = float64(xv) - c.mean[i]
		}
		s.SymRankOne(s, c.weight(mu), mat.NewVecDense(c.d, e))
	}
	return s
}

// Top returns the k largest eigenvalues of C_0 and their eigenvectors by Lanczos (see Lanczos).
func (c *Covariance) Top(k int, opts ...Option) (*Spectrum, error) {
	if k > c.d {
		return nil, fmt.Errorf("spectrum: k=%d eigenvalues asked of a %d-dimensional covariance", k, c.d)
	}
	return Lanczos(c, k, opts...)
}

// Lambda returns Λ, the largest eigenvalue of C_0 (eq. 4: the variance along the principal
// component).
func (c *Covariance) Lambda(opts ...Option) (float64, error) {
	s, err := c.Top(1, opts...)
	if err != nil {
		return 0, err
	}
	return s.Values[0], nil
}
