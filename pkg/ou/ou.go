package ou

import (
	"fmt"
	"math"
)

// Delta returns the variance of the noise added by the forward process at time t, eq. (2):
//
//	Δ_t = 1 - e^{-2t}
//
// It is computed with expm1 so that Δ_t ≈ 2t stays exact for small t. NaN for t < 0.
func Delta(t float64) float64 {
	if t < 0 || math.IsNaN(t) {
		return math.NaN()
	}
	return -math.Expm1(-2 * t)
}

// Gamma returns the per-coordinate variance at time t of a Gaussian cluster of variance σ²
// pushed through the forward process (SI eq. 17):
//
//	Γ_t = Δ_t + σ² e^{-2t}
//
// NaN for t < 0.
func Gamma(t, sigma float64) float64 {
	if t < 0 || math.IsNaN(t) || math.IsNaN(sigma) {
		return math.NaN()
	}
	return Delta(t) + sigma*sigma*math.Exp(-2*t)
}

// Decay returns e^{-t}, the factor multiplying the data in x(t) = e^{-t} a + sqrt(Δ_t) ξ.
func Decay(t float64) float64 { return math.Exp(-t) }

// Forward returns one sample of x(t) = e^{-t} a + sqrt(Δ_t) ξ for the data point a and
// the standard normal vector xi (same length), written into dst (allocated when nil, else of
// the same length). Mismatched lengths and t < 0 or NaN are errors.
func Forward(dst, a, xi []float64, t float64) ([]float64, error) {
	switch {
	case len(xi) != len(a):
		return nil, fmt.Errorf("ou: Forward: len(xi) = %d, len(a) = %d: want equal lengths", len(xi), len(a))
	case dst != nil && len(dst) != len(a):
		return nil, fmt.Errorf("ou: Forward: len(dst) = %d, len(a) = %d: want equal lengths", len(dst), len(a))
	case !(t >= 0):
		return nil, fmt.Errorf("ou: Forward: time t must be >= 0, got %g", t)
	}
	if dst == nil {
		dst = make([]float64, len(a))
	}
	e, s := math.Exp(-t), math.Sqrt(Delta(t))
	for i := range a {
		dst[i] = e*a[i] + s*xi[i]
	}
	return dst, nil
}
