// Package forward runs the forward (noising) Ornstein–Uhlenbeck process of eq. (1),
//
//	dx = -x dt + dB(t),
//
// through its closed-form solution, eq. (2), as a gomlx graph:
//
//	x(t) = e^{-t} a + sqrt(Δ_t) ξ,   Δ_t = 1 - e^{-2t},   ξ ~ N(0, I_d).
//
// Graph applies it to a batch; Sampler runs it on host data with seeded noise; VarianceCurve
// measures the per-coordinate variance of x(t) over a data set, whose prediction from eq. (2) is
//
//	v(t) = e^{-2t} v_a + Δ_t = v_a (1 - Δ_t) + Δ_t,
//
// a straight line in Δ_t from the data variance v_a (Δ = 0) to 1 (Δ = 1, pure noise).
package forward
