package gmm

import (
	"fmt"
	"math"

	"github.com/diffregimes/diffregimes/pkg/ou"
)

// Mixture is the two-cluster Gaussian mixture of the paper's "Analysis of Gaussian mixtures":
// P_0(a) = ½ N(a; +m, σ² I) + ½ N(a; −m, σ² I) in dimension D, with |m|² = D μ̃².
//
// The zero value is invalid; use NewMixture or fill the fields and call Validate. Scalar
// methods of an invalid Mixture return NaN.
type Mixture struct {
	D     int     // dimension d >= 1
	Mu    float64 // μ̃ > 0: |m| = μ̃ sqrt(d)
	Sigma float64 // σ > 0: per-coordinate standard deviation of each cluster
}

// NewMixture returns a validated Mixture{D: d, Mu: mu, Sigma: sigma}.
func NewMixture(d int, mu, sigma float64) (Mixture, error) {
	m := Mixture{D: d, Mu: mu, Sigma: sigma}
	return m, m.Validate()
}

// Validate reports an error naming the first invalid parameter.
func (m Mixture) Validate() error {
	switch {
	case m.D < 1:
		return fmt.Errorf("gmm: dimension D must be >= 1, got %d", m.D)
	case !(m.Mu > 0) || math.IsInf(m.Mu, 0):
		return fmt.Errorf("gmm: Mu (μ̃) must be finite and > 0, got %g", m.Mu)
	case !(m.Sigma > 0) || math.IsInf(m.Sigma, 0):
		return fmt.Errorf("gmm: Sigma must be finite and > 0, got %g", m.Sigma)
	}
	return nil
}

func (m Mixture) ok() bool { return m.Validate() == nil }

// M returns |m| = μ̃ sqrt(d), the distance of each cluster centre from the origin.
func (m Mixture) M() float64 { return m.Mu * math.Sqrt(float64(m.D)) }

// Gamma returns the per-coordinate variance of each noised cluster at time t (SI eq. 17):
//
//	Γ_t = Δ_t + σ² e^{-2t}
//
// NaN for t < 0, NaN t or an invalid Mixture.
func (m Mixture) Gamma(t float64) float64 {
	if !m.ok() || !(t >= 0) {
		return math.NaN()
	}
	return ou.Gamma(t, m.Sigma)
}

// SNR returns κ_t = |m| e^{-t} / sqrt(Γ_t), the separation of the two noised clusters along m
// in units of their width. Every speciation quantity of the mixture depends on t only through
// κ_t; with σ = μ̃ = 1, κ_{t_S} = 1 for every d.
func (m Mixture) SNR(t float64) float64 {
	return m.M() * math.Exp(-t) / math.Sqrt(m.Gamma(t))
}

// SpeciationTime returns the speciation time of SI B.1,
//
//	t_S = ½ log(d μ̃²)
//
// the large-d form of eq. (4), Λ e^{-2 t_S} = 1. It is negative when d μ̃² < 1 (no
// speciation regime). NaN for an invalid Mixture.
func (m Mixture) SpeciationTime() float64 {
	if !m.ok() {
		return math.NaN()
	}
	return 0.5 * math.Log(float64(m.D)*m.Mu*m.Mu)
}

// TopEigenvalue returns Λ = d μ̃² + σ², the largest eigenvalue of the population covariance
// C_0 = σ² I + m mᵀ of the mixture (eqs. 4, 11). NaN for an invalid Mixture.
func (m Mixture) TopEigenvalue() float64 {
	if !m.ok() {
		return math.NaN()
	}
	return float64(m.D)*m.Mu*m.Mu + m.Sigma*m.Sigma
}

// SpectralSpeciationTime returns the time at which the eigenvalue of M(t) = I − e^{-2t} C_0
// (eq. 16, SI B.1) along m crosses zero, i.e. eq. (4) with the exact Λ of the mixture:
//
//	t = ½ log(d μ̃² + σ²)
//
// It differs from SpeciationTime by O(1/d). NaN for an invalid Mixture.
func (m Mixture) SpectralSpeciationTime() float64 {
	return 0.5 * math.Log(m.TopEigenvalue())
}

// CurvatureTime returns t* of eq. (23), where the curvature of the potential V(q, t) of
// eq. (8) at q = 0 vanishes, ∂²V/∂q²(0, t*) = 1 − 2 d μ̃² e^{-2t*} = 0:
//
//	t* = ½ log(2 d μ̃²)
//
// NaN for an invalid Mixture.
func (m Mixture) CurvatureTime() float64 {
	if !m.ok() {
		return math.NaN()
	}
	return 0.5 * math.Log(2*float64(m.D)*m.Mu*m.Mu)
}
