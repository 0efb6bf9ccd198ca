package spectrum

import "fmt"

// Summary is what Table 1 reports for one data set, plus the top of its spectrum.
type Summary struct {
	// N and D are the number and dimension of the data vectors analysed.
	N, D int
	// Top holds the k largest covariance eigenvalues, Top[0] = Λ.
	Top []float64
	// PC is the first principal component (unit vector, reproducible sign).
	PC []float64
	// Lambda is Λ and TS = 1/2 log Λ (eq. 4).
	Lambda, TS float64
	// TLandau = 1/2 log(1+Λ) is where M(t) of eq. (16) (with 1/Δ_t) loses positivity for the
	// plain covariance; TLandauEff the same with the effective measure of eq. (14), 0 when not
	// computed.
	TLandau, TLandauEff float64
	// Trace is the total variance tr C_0.
	Trace float64
}

// Summarize computes Summary for n data vectors of dimension d (row-major x): the top-k
// covariance spectrum by Lanczos, Λ, t_S, the Landau crossing and, when effective is true, the
// effective-measure Landau crossing searched in (0.05, 5].
func Summarize(x []float32, n, d, k int, effective bool) (*Summary, error) {
	c, err := NewCovariance(x, n, d)
	if err != nil {
		return nil, err
	}
	k = min(k, d)
	sp, err := c.Top(k, Tol(1e-7))
	if err != nil {
		return nil, err
	}
	s := &Summary{N: n, D: d, Top: sp.Values, PC: sp.Vectors[0], Lambda: sp.Values[0], Trace: c.Trace()}
	if s.TS, err = TS(s.Lambda); err != nil {
		return nil, err
	}
	if s.TLandau, err = LandauTime(s.Lambda); err != nil {
		return nil, err
	}
	if effective {
		l := &Landau{X: x, N: n, D: d, Effective: true, Options: []Option{Tol(1e-7)}}
		if s.TLandauEff, err = l.Time(0.05, 5, 20); err != nil {
			return nil, fmt.Errorf("spectrum: Summarize: effective Landau time: %w", err)
		}
	}
	return s, nil
}
