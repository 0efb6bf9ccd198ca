// Package sde integrates the backward dynamics of eq. (3),
//
//	-dy_i = y_i dt + 2 F_i(y, t) dt + dξ_i,   <dξ²> = 2 dt,
//
// with the Euler-Maruyama discretisation of eq. (55) (T = 10, L = 1000 by default, SI D.1) or
// an exponential integrator, for a batch of trajectories and any score.Score. K steps are fused
// into one gomlx graph call and the noise comes from the graph's RNG, seeded, so that the same
// seed gives the same trajectories on the same backend. An Observer fuses a per-step
// measurement (e.g. the nearest training point, package nearest) into the same graph.
//
// Denoise is the noise-free step to t = 0, x̂(0) = e^{t}(x + Δ_t F(x, t)) (Tweedie's posterior
// mean; eq. 61 with z = 0 at the DDPM sampler's last step). Config.FinalDenoise ends the chain
// with it from t = η, in the step graph, instead of a last noisy step.
package sde
