package spectrum

import (
	"fmt"
	"math"
)

// SampleTopEigenvalue predicts the largest eigenvalue of the sample covariance of n Gaussian
// vectors in d dimensions whose population covariance is σ² I plus one spike of total variance
// ℓ > σ² (random-matrix theory, Baik-Ben Arous-Péché; not in the paper): with γ = d/n,
//
//	λ_top → ℓ (1 + γ σ²/(ℓ - σ²))   if ℓ > σ² (1 + √γ),
//	λ_top → σ² (1 + √γ)²            otherwise (the Marchenko-Pastur edge swallows the spike).
//
// It is the finite-n reading of eq. (11): at large t the top of C(t) sinks to Δ_t and the
// measured top eigenvalue of noised data stays at the noise edge Δ_t (1 + √(d/n))².
func SampleTopEigenvalue(ell, sigma2 float64, n, d int) (float64, error) {
	if n < 2 || d < 1 {
		return 0, fmt.Errorf("spectrum: SampleTopEigenvalue: n=%d, d=%d (need n >= 2, d >= 1)", n, d)
	}
	if !(sigma2 > 0) || !(ell >= 0) {
		return 0, fmt.Errorf("spectrum: SampleTopEigenvalue: σ²=%v must be > 0 and ℓ=%v >= 0", sigma2, ell)
	}
	g := float64(d) / float64(n)
	if ell > sigma2*(1+math.Sqrt(g)) {
		return ell * (1 + g*sigma2/(ell-sigma2)), nil
	}
	return sigma2 * (1 + math.Sqrt(g)) * (1 + math.Sqrt(g)), nil
}
