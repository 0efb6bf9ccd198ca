package sde

import (
	"math"

	"github.com/gomlx/gomlx/core/graph"

	"github.com/diffregimes/diffregimes/pkg/ou"
)

// Step is one step of the backward dynamics of eq. (3) from t to t' < t with the score
// frozen at t,
//
//	x(t') = A x(t) + B F(x(t), t) + Noise ξ,   ξ ~ N(0, I),
//
// the one form that the discretisations of eq. (55) and the final denoiser share. The
// integrator applies it in the step graph (Graph), Denoise on the host (Host), with the same
// coefficients.
type Step struct {
	A, B  float64 // coefficients of x(t) and of the score F(x(t), t)
	Noise float64 // standard deviation of the added noise (0 for the denoiser)
}

// EulerMaruyamaStep returns the paper's discretisation of eq. (3), eq. (55), with step η:
//
//	x(t − η) = x(t) + η [x(t) + 2 F(x(t), t)] + sqrt(2η) ξ,
//
// that is A = 1 + η, B = 2η, Noise = sqrt(2η).
func EulerMaruyamaStep(eta float64) Step {
	return Step{A: 1 + eta, B: 2 * eta, Noise: math.Sqrt(2 * eta)}
}

// ExponentialStep returns the exponential integrator of eq. (3) with step η: the linear drift
// +x integrated exactly over the step with F frozen,
//
//	x(t − η) = e^η x(t) + 2 (e^η − 1) F(x(t), t) + sqrt(e^{2η} − 1) ξ,
//
// which reduces to eq. (55) to first order in η and has the exact OU noise variance.
func ExponentialStep(eta float64) Step {
	return Step{A: math.Exp(eta), B: 2 * math.Expm1(eta), Noise: math.Sqrt(math.Expm1(2 * eta))}
}

// DenoiseStep returns the noise-free step from time t to 0 (Denoise),
//
//	x̂(0) = e^{t} (x + Δ_t F(x, t)),   Δ_t = 1 − e^{−2t}:
//
// A = e^t, B = e^t Δ_t, Noise = 0: Tweedie's posterior mean E[a | x(t) = x], eq. (61) with
// z = 0 at the DDPM sampler's last step.
func DenoiseStep(t float64) Step {
	et := math.Exp(t)
	return Step{A: et, B: et * ou.Delta(t)}
}

// Graph returns A x + B f + xi in the graph; xi is the noise already scaled by Noise (nil
// for none).
func (s Step) Graph(x, f, xi *graph.Node) *graph.Node {
	y := graph.Add(graph.MulScalar(x, s.A), graph.MulScalar(f, s.B))
	if xi != nil {
		y = graph.Add(y, xi)
	}
	return y
}

// Host returns A x + B f for float32 slices of equal length (no noise), in float64.
func (s Step) Host(x, f []float32) []float32 {
	out := make([]float32, len(x))
	for i := range x {
		out[i] = float32(s.A*float64(x[i]) + s.B*float64(f[i]))
	}
	return out
}
