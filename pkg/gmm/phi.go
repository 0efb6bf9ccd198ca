package gmm

import (
	"fmt"
	"math"

	"github.com/diffregimes/diffregimes/pkg/numeric"
)

// Phi returns φ(t), the probability that two clones of a backward trajectory, made at time t,
// end in the same cluster, eq. (6) (SI eq. 27):
//
//	φ(t) = ½ ∫ dy [G(y, m e^{-t}, Γ_t)² + G(y, −m e^{-t}, Γ_t)²] / [G(y, m e^{-t}, Γ_t) + G(y, −m e^{-t}, Γ_t)]
//
// with m = μ̃ sqrt(d). Writing p_±(y) = G_± / (G_+ + G_-) and using the y → −y symmetry, the
// integral is E_{y~G_+}[p_+² + p_-²] = 1 − 2 E[p_+ p_-], which with κ = SNR(t) reads
//
//	φ(t) = 1 − ½ E_z[sech²(κ² + κ z)],   z ~ N(0, 1)
//
// evaluated by Gauss-Legendre quadrature (absolute error < 1e-12, checked against a direct
// Simpson integration of eq. 6). φ(0) → 1 (exactly 1 − O(e^{-κ²/2})), φ(∞) = ½. With
// μ̃ = σ = 1, κ(t_S) = 1 for every d, so φ(t_S) = 0.7752002, the 0.775 of Fig. 2.
// NaN for t < 0, NaN t or an invalid Mixture.
func (m Mixture) Phi(t float64) float64 {
	if !m.ok() || !(t >= 0) {
		return math.NaN()
	}
	return phiOfSNR(m.SNR(t))
}

func phiOfSNR(kappa float64) float64 {
	sech2 := func(w float64) float64 {
		c := 1 / math.Cosh(w)
		return c * c
	}
	return 1 - 0.5*expectShifted(kappa, sech2, -40, 40)
}

// PhiCurve returns Phi at each of ts, or an error naming the first invalid parameter.
func (m Mixture) PhiCurve(ts []float64) ([]float64, error) {
	return m.curve("PhiCurve", ts, m.Phi)
}

// PhiInverse returns the time t at which φ(t) = p, for ½ < p < φ(0): the speciation time as
// the numerical experiments define it (φ(t_S) = 0.775, Fig. 2). φ depends on t only through
// κ = SNR(t), so the root κ_p of 1 − ½E sech²(κ² + κz) = p is found by bisection and
// κ² Γ_t = m² e^{-2t} is solved for t:
//
//	t = ½ log((m² − κ_p² (σ² − 1)) / κ_p²)
//
// Errors for p outside (½, φ(0)) or an invalid Mixture.
func (m Mixture) PhiInverse(p float64) (float64, error) {
	if err := m.Validate(); err != nil {
		return math.NaN(), err
	}
	if !(p > 0.5) || !(p < m.Phi(0)) {
		return math.NaN(), fmt.Errorf("gmm: PhiInverse: p = %g must lie in (1/2, φ(0) = %.12g)", p, m.Phi(0))
	}
	// φ increases with κ from ½ at κ = 0 to φ(0) at κ = SNR(0).
	k, err := numeric.Bisect(func(k float64) float64 { return phiOfSNR(k) - p }, 0, m.SNR(0), 0)
	if err != nil {
		return math.NaN(), fmt.Errorf("gmm: PhiInverse(%g): %w", p, err)
	}
	k2 := k * k
	m2 := m.M() * m.M()
	return 0.5 * math.Log((m2-k2*(m.Sigma*m.Sigma-1))/k2), nil
}
