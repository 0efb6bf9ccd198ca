package sde

import (
	"fmt"
	"math"

	"github.com/diffregimes/diffregimes/pkg/score"
)

// Denoise returns the noise-free step from time t to 0 for the points x (row-major [b, d],
// d the evaluator's score dimension),
//
//	x̂(0) = e^{t} (x + Δ_t F(x, t)),   Δ_t = 1 - e^{-2t},
//
// the posterior mean E[a | x(t) = x] of the forward process x(t) = e^{-t} a + sqrt(Δ_t) ξ
// (Tweedie's formula, exact for the exact score). It is the DDPM sampler's last step, eq. (61)
// with z = 0 at t' = 1 (where 1 - ᾱ_1 = β_1), written with the score F = -ε_θ/sqrt(1-ᾱ) and t of
// eq. (59). For the exact empirical score it is the softmax-weighted mean of the training
// points, which sits on a_μ once a trajectory has collapsed; a last Euler-Maruyama step would
// instead add noise of norm sqrt(2ηd) at t = 0 (7.2 for η = 0.025, d = 1024). Config.FinalDenoise
// makes the integrator end its chain with this step from t = η, inside the step graph.
// It returns an error for t <= 0 or x that is not a non-empty multiple of d.
func Denoise(ev *score.Evaluator, x []float32, t float64) ([]float32, error) {
	if ev == nil {
		return nil, fmt.Errorf("sde: Denoise: evaluator is nil")
	}
	if !(t > 0) || math.IsInf(t, 0) {
		return nil, fmt.Errorf("sde: Denoise: time t must be > 0 and finite, got %g", t)
	}
	f, err := ev.Eval(x, t)
	if err != nil {
		return nil, fmt.Errorf("sde: Denoise: %w", err)
	}
	return DenoiseStep(t).Host(x, f), nil
}
