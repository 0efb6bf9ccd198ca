package spectrum

import (
	"fmt"
	"math"

	"github.com/diffregimes/diffregimes/pkg/numeric"
)

// Landau evaluates the Landau-type criterion of SI A for the speciation time: expanding
// log P_t(x) at large t (eqs. 12-15), its quadratic part is -x^T M x / (2Δ_t) with, eq. (16),
//
//	M_ij(t) = δ_ij - (e^{-2t}/Δ_t) [<a_i a_j> - <a_i><a_j>],
//
// where <·> is the mean under the effective measure P_0(a) exp(-|a|² e^{-2t} / (2Δ_t))
// (eq. 14). Speciation happens at the largest t where M(t) stops being positive definite,
// i.e. where the eigenvalue of M along the principal component crosses zero.
//
// Two remarks, checked in the tests. (i) The paper prints eq. (16) without the 1/Δ_t, but
// eq. (15) follows from eqs. (12) and (14) only with it: -x²/(2Δ_t) + e^{-2t} x^T C x/(2Δ_t²).
// Since eq. (14) is the Taylor expansion of g at x = 0, M(t)/Δ_t with the factor is exactly
// minus the Hessian of log P_t at the origin (the test compares it with finite differences of
// the empirical log-density). With the factor, and the effective measure replaced by P_0 (SI A,
// last paragraph), the crossing is at Λ e^{-2t} = Δ_t, i.e. t = 1/2 log(1+Λ), which the main
// text states as "Λ e^{-2t} = Δ_t ≃ 1"; the printed (16) gives 1/2 log Λ, eq. (4). The two
// differ by 1/2 log(1+1/Λ), negligible for Λ ≫ 1. AsPrinted selects the printed form.
// (ii) The text says "the largest eigenvalue of M crosses zero"; it is the smallest
// eigenvalue of M, 1 - (e^{-2t}/Δ_t) Λ, that does.
type Landau struct {
	// X holds the n data vectors of dimension D, row-major.
	X    []float32
	N, D int
	// Effective uses the effective measure of eq. (14) (data reweighted by
	// exp(-|a_μ|² e^{-2t}/(2Δ_t)), normalised by log-sum-exp); false uses the plain data
	// covariance C_0, the large-t substitution of SI A.
	Effective bool
	// AsPrinted drops the 1/Δ_t factor, as eq. (16) is printed.
	AsPrinted bool
	// Options are passed to Lanczos.
	Options []Option

	c0     *Covariance
	sqNorm []float64
}

// covarianceAt returns the covariance entering M(t).
func (l *Landau) covarianceAt(t float64) (*Covariance, error) {
	if !l.Effective {
		if l.c0 == nil {
			c, err := NewCovariance(l.X, l.N, l.D)
			if err != nil {
				return nil, err
			}
			l.c0 = c
		}
		return l.c0, nil
	}
	if l.sqNorm == nil {
		if err := checkData(l.X, l.N, l.D); err != nil {
			return nil, err
		}
		l.sqNorm = make([]float64, l.N)
		for mu := range l.sqNorm {
			for _, v := range l.X[mu*l.D : (mu+1)*l.D] {
				l.sqNorm[mu] += float64(v) * float64(v)
			}
		}
	}
	logW := make([]float64, l.N)
	k := math.Exp(-2*t) / (2 * delta(t))
	for mu, s := range l.sqNorm {
		logW[mu] = -k * s
	}
	return NewWeightedCovariance(l.X, l.N, l.D, logW)
}

// MinEigenvalue returns the smallest eigenvalue of M(t), 1 - c(t) λ_max(C_t), with
// c(t) = e^{-2t}/Δ_t (or e^{-2t} AsPrinted) and C_t the covariance of the (effective) data.
func (l *Landau) MinEigenvalue(t float64) (float64, error) {
	if !(t > 0) || math.IsInf(t, 0) {
		return 0, fmt.Errorf("spectrum: Landau: t=%v must be positive and finite", t)
	}
	c, err := l.covarianceAt(t)
	if err != nil {
		return 0, err
	}
	lam, err := c.Lambda(l.Options...)
	if err != nil {
		return 0, err
	}
	coef := math.Exp(-2 * t)
	if !l.AsPrinted {
		coef /= delta(t)
	}
	return 1 - coef*lam, nil
}

// Time returns the largest t in (tMin, tMax] where the smallest eigenvalue of M(t) crosses
// zero, scanning down from tMax in `steps` equal steps and bisecting the first sign change
// to 1e-7. An error says when M(t) is positive definite over the whole range.
func (l *Landau) Time(tMin, tMax float64, steps int) (float64, error) {
	if !(tMin > 0) || !(tMax > tMin) || steps < 1 {
		return 0, fmt.Errorf("spectrum: Landau.Time: need 0 < tMin < tMax and steps >= 1 (got %v, %v, %d)", tMin, tMax, steps)
	}
	hi := tMax
	fhi, err := l.MinEigenvalue(hi)
	if err != nil {
		return 0, err
	}
	if fhi <= 0 {
		return 0, fmt.Errorf("spectrum: Landau.Time: M(t) already unstable at tMax=%v (min eigenvalue %v); raise tMax", tMax, fhi)
	}
	h := (tMax - tMin) / float64(steps)
	for s := 1; s <= steps; s++ {
		lo := tMax - float64(s)*h
		flo, err := l.MinEigenvalue(lo)
		if err != nil {
			return 0, err
		}
		if flo <= 0 {
			var ferr error
			t, err := numeric.Bisect(func(t float64) float64 {
				v, err := l.MinEigenvalue(t)
				if err != nil && ferr == nil {
					ferr = err
				}
				return v
			}, lo, hi, 1e-7)
			if ferr != nil {
				return 0, ferr
			}
			if err != nil {
				return 0, fmt.Errorf("spectrum: Landau.Time: %w", err)
			}
			return t, nil
		}
		hi = lo
	}
	return 0, fmt.Errorf("spectrum: Landau.Time: M(t) positive definite on [%v, %v]: no speciation in range", tMin, tMax)
}

// LandauTime is the closed form of the crossing for the plain covariance with the 1/Δ_t of
// eq. (15): Λ e^{-2t} = Δ_t ⇔ t = 1/2 log(1 + Λ).
func LandauTime(lambda float64) (float64, error) {
	if !(lambda > 0) || math.IsInf(lambda, 0) {
		return 0, fmt.Errorf("spectrum: LandauTime: Λ=%v must be positive and finite", lambda)
	}
	return 0.5 * math.Log1p(lambda), nil
}
