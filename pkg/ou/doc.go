// Package ou holds the forward Ornstein-Uhlenbeck process of the paper and its DDPM
// discretisation.
//
// The forward process is eq. (1), dx = -x dt + dB with <dB²> = 2 dt, whose solution started at
// a data point a is
//
//	x(t) = e^{-t} a + sqrt(Δ_t) ξ,   Δ_t = 1 - e^{-2t}                       (eq. 2)
//
// and, for data drawn from a Gaussian of variance σ², has per-coordinate variance
// Γ_t = Δ_t + σ² e^{-2t} (SI eq. 17).
//
// The DDPM of SI D.2 uses a linear variance schedule β_1..β_L; its marginal (eq. 58) is the OU
// marginal at continuous time t = -1/2 log ᾱ(t') (eq. 59). Schedule implements that map both ways.
package ou
