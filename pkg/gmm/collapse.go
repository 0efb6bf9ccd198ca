package gmm

import (
	"fmt"
	"math"

	"github.com/diffregimes/diffregimes/pkg/ou"
)

// CollapseTime returns the collapse time of eq. (10) (SI eq. 43) for n data points:
//
//	t_C = ½ log(1 + σ² / (n^{2/d} − 1))
//
// the zero of ExcessEntropy and the condensation time of the random energy model of SI C
// (package rem). n^{2/d} − 1 is computed as expm1(2 log n / d), so t_C stays accurate for
// d up to 1e5 and beyond. Errors for n < 2 or an invalid Mixture.
func (m Mixture) CollapseTime(n int) (float64, error) {
	if err := m.Validate(); err != nil {
		return math.NaN(), err
	}
	if n < 2 {
		return math.NaN(), fmt.Errorf("gmm: CollapseTime: number of data n must be >= 2, got %d", n)
	}
	return 0.5 * math.Log1p(m.Sigma*m.Sigma/math.Expm1(2*math.Log(float64(n))/float64(m.D))), nil
}

// SeparatedEntropy returns s^sep(t) of eq. (5), the entropy per variable of n Gaussians of
// variance Δ_t centred on well separated points in dimension d:
//
//	s^sep(t) = log(n)/d + ½ + ½ log(2π Δ_t)
//
// −Inf at t = 0; NaN for t < 0, n < 1 or d < 1. It holds for any data set, not only mixtures.
func SeparatedEntropy(t float64, n, d int) float64 {
	if !(t >= 0) || n < 1 || d < 1 {
		return math.NaN()
	}
	return math.Log(float64(n))/float64(d) + 0.5 + 0.5*math.Log(2*math.Pi*ou.Delta(t))
}

// Entropy returns the exact Shannon entropy per variable s(t) = −(1/d) ∫ P_t log P_t of the
// noised mixture P_t (SI eq. 17), in dimension D. The d − 1 directions orthogonal to m are
// Gaussian of variance Γ_t; along m, with κ = SNR(t),
//
//	d·s(t) = (d/2) log(2πe Γ_t) + log 2 − E_z[log(1 + e^{−2(κ² + κz)})],   z ~ N(0, 1)
//
// so s(t) → ½ log(2πe Γ_t) as d → ∞ (AsymptoticEntropy). NaN for t < 0 or an invalid Mixture.
func (m Mixture) Entropy(t float64) float64 {
	if !m.ok() || !(t >= 0) {
		return math.NaN()
	}
	softplus2 := func(w float64) float64 { // log(1 + e^{−2w}) without overflow
		if w < 0 {
			return -2*w + math.Log1p(math.Exp(2*w))
		}
		return math.Log1p(math.Exp(-2 * w))
	}
	k := m.SNR(t)
	mix := math.Ln2 - expectShifted(k, softplus2, math.Inf(-1), 40)
	return 0.5*math.Log(2*math.Pi*math.E*m.Gamma(t)) + mix/float64(m.D)
}

// AsymptoticEntropy returns the d → ∞ limit of Entropy: s(t) = ½ + ½ log(2π Γ_t).
// NaN for t < 0 or an invalid Mixture.
func (m Mixture) AsymptoticEntropy(t float64) float64 {
	return 0.5 + 0.5*math.Log(2*math.Pi*m.Gamma(t))
}

// ExcessEntropy returns the asymptotic excess entropy density f(t) = s^sep(t) − s(t) of the
// main text (solid lines of Fig. 3), at fixed α = log(n)/d as d → ∞:
//
//	f(t) = α + ½ log(Δ_t / Γ_t)
//
// It equals α at t = ∞, −∞ at t = 0, and vanishes exactly at t_C of eq. (10), which is eq. (5)
// solved for the mixture. It is ψ_+(t) + ½ of SI eq. (40). NaN for t < 0, n < 2 or an invalid
// Mixture.
func (m Mixture) ExcessEntropy(t float64, n int) float64 {
	if !m.ok() || !(t >= 0) || n < 2 {
		return math.NaN()
	}
	delta := ou.Delta(t)
	return math.Log(float64(n))/float64(m.D) + 0.5*math.Log(delta/m.Gamma(t))
}

// FiniteExcessEntropy returns s^sep(t) − s(t) with the exact finite-d entropy Entropy(t);
// it differs from ExcessEntropy by at most log(2)/d. NaN for t < 0, n < 2 or an invalid
// Mixture.
func (m Mixture) FiniteExcessEntropy(t float64, n int) float64 {
	if !m.ok() || !(t >= 0) || n < 2 {
		return math.NaN()
	}
	return SeparatedEntropy(t, n, m.D) - m.Entropy(t)
}
