package spectrum

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Spectrum holds the top eigenpairs of a symmetric operator, largest first.
type Spectrum struct {
	// Values are the eigenvalues in decreasing order.
	Values []float64
	// Vectors[i] is the unit eigenvector of Values[i], signed so that its largest-magnitude
	// component is positive (a reproducible sign).
	Vectors [][]float64
	// Residuals[i] = |A v_i - λ_i v_i|, the accuracy achieved.
	Residuals []float64
	// Iterations is the number of Lanczos steps (operator applications) used.
	Iterations int
}

type options struct {
	seed    uint64
	tol     float64
	maxIter int
}

// Option tunes Lanczos.
type Option func(*options)

// Seed sets the seed of the random start vector (default 1).
func Seed(s uint64) Option { return func(o *options) { o.seed = s } }

// Tol sets the relative residual |A v - λ v| / λ_max at which a Ritz pair is accepted
// (default 1e-9).
func Tol(t float64) Option { return func(o *options) { o.tol = t } }

// MaxIter bounds the number of Lanczos steps (default min(d, max(4k, k+200))).
func MaxIter(m int) Option { return func(o *options) { o.maxIter = m } }

// Lanczos returns the k largest eigenpairs of the symmetric operator A by the Lanczos process
// with full re-orthogonalisation (so the Ritz values carry no spurious copies), stopping when
// every one of the k Ritz pairs has residual |β_j s_{j,i}| ≤ tol·|θ_max|. Memory is one
// d-vector per step: no d×d matrix is formed. When the Krylov space is exhausted (e.g. the
// rank n-1 of a covariance with n ≤ d) it restarts from a fresh random vector orthogonal to
// the basis, so zero eigenvalues come out right too.
func Lanczos(A Operator, k int, opts ...Option) (*Spectrum, error) {
	d := A.Dim()
	o := options{seed: 1, tol: 1e-9}
	for _, f := range opts {
		f(&o)
	}
	if k < 1 || k > d {
		return nil, fmt.Errorf("spectrum: Lanczos: k=%d must be in [1, d=%d]", k, d)
	}
	if o.maxIter == 0 {
		o.maxIter = max(4*k, k+200)
	}
	m := min(d, max(o.maxIter, k))
	rng := rand.New(rand.NewPCG(o.seed, 0x5370656374727521))
	var (
		Q     [][]float64
		alpha []float64
		beta  []float64 // beta[j] couples q_j and q_{j+1}
		w     = make([]float64, d)
	)
	q := randomUnit(rng, d, nil)
	var (
		vals, ritz []float64
		S          *mat.Dense
		done       bool
	)
	for j := 0; j < m; j++ {
		Q = append(Q, q)
		A.MulVec(w, q)
		if bad := firstNonFinite(w); bad >= 0 {
			return nil, fmt.Errorf("spectrum: Lanczos: operator returned %v at component %d", w[bad], bad)
		}
		a := floats.Dot(q, w)
		alpha = append(alpha, a)
		// Full re-orthogonalisation, twice ("twice is enough", Kahan/Parlett).
		for pass := 0; pass < 2; pass++ {
			for _, qi := range Q {
				floats.AddScaled(w, -floats.Dot(qi, w), qi)
			}
		}
		b := floats.Norm(w, 2)
		last := j == m-1
		check := last || (j+1 >= k && ((j+1-k)%5 == 0))
		if check {
			vals, S = tridiagEigen(alpha, beta)
			ritz = make([]float64, k)
			scale := math.Max(math.Abs(vals[0]), math.SmallestNonzeroFloat64)
			done = true
			for i := 0; i < k; i++ {
				ritz[i] = math.Abs(b * S.At(j, i))
				if ritz[i] > o.tol*scale {
					done = false
				}
			}
			if done || last {
				break
			}
		}
		beta = append(beta, b)
		if b <= 1e-12*math.Max(1, math.Abs(alpha[0])) {
			// Invariant subspace found: continue in the orthogonal complement.
			beta[len(beta)-1] = 0
			q = randomUnit(rng, d, Q)
			if q == nil {
				break
			}
			continue
		}
		q = make([]float64, d)
		floats.ScaleTo(q, 1/b, w)
	}
	if vals == nil || len(vals) != len(alpha) {
		vals, S = tridiagEigen(alpha, beta[:len(alpha)-1])
		ritz = make([]float64, k)
	}
	if len(vals) < k {
		return nil, fmt.Errorf("spectrum: Lanczos: only %d Ritz values for k=%d", len(vals), k)
	}
	if !done {
		scale := math.Max(math.Abs(vals[0]), math.SmallestNonzeroFloat64)
		for i := 0; i < k; i++ {
			if ritz[i] > 1e3*o.tol*scale {
				return nil, fmt.Errorf("spectrum: Lanczos: eigenpair %d not converged after %d steps (residual %.3g, tol %.3g); raise MaxIter", i, len(alpha), ritz[i], o.tol*scale)
			}
		}
	}
	sp := &Spectrum{Values: vals[:k], Residuals: ritz, Iterations: len(alpha)}
	for i := 0; i < k; i++ {
		v := make([]float64, d)
		for j, qj := range Q[:len(alpha)] {
			floats.AddScaled(v, S.At(j, i), qj)
		}
		floats.Scale(1/floats.Norm(v, 2), v)
		if v[floats.MaxIdx(absCopy(v))] < 0 {
			floats.Scale(-1, v)
		}
		sp.Vectors = append(sp.Vectors, v)
	}
	return sp, nil
}

// tridiagEigen diagonalises the Lanczos tridiagonal matrix, eigenvalues decreasing, columns
// of S the matching eigenvectors.
func tridiagEigen(alpha, beta []float64) ([]float64, *mat.Dense) {
	m := len(alpha)
	T := mat.NewSymDense(m, nil)
	for i := 0; i < m; i++ {
		T.SetSym(i, i, alpha[i])
		if i+1 < m {
			T.SetSym(i, i+1, beta[i])
		}
	}
	var es mat.EigenSym
	es.Factorize(T, true)
	asc := es.Values(nil)
	var V mat.Dense
	es.VectorsTo(&V)
	vals := make([]float64, m)
	S := mat.NewDense(m, m, nil)
	for i := 0; i < m; i++ {
		vals[i] = asc[m-1-i]
		for r := 0; r < m; r++ {
			S.Set(r, i, V.At(r, m-1-i))
		}
	}
	return vals, S
}

// randomUnit returns a seeded random unit vector orthogonal to the vectors in Q, or nil if
// Q already spans R^d.
func randomUnit(rng *rand.Rand, d int, Q [][]float64) []float64 {
	if len(Q) >= d {
		return nil
	}
	for try := 0; try < 10; try++ {
		v := make([]float64, d)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		for pass := 0; pass < 2; pass++ {
			for _, qi := range Q {
				floats.AddScaled(v, -floats.Dot(qi, v), qi)
			}
		}
		if nrm := floats.Norm(v, 2); nrm > 1e-8 {
			floats.Scale(1/nrm, v)
			return v
		}
	}
	return nil
}

func firstNonFinite(v []float64) int {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return i
		}
	}
	return -1
}

func absCopy(v []float64) []float64 {
	a := make([]float64, len(v))
	for i, x := range v {
		a[i] = math.Abs(x)
	}
	return a
}
