// Package score defines the score functions F(x, t) = ∇ log P_t(x) that drive the backward
// dynamics of eq. (3): the Score interface shared by the exact empirical score (eq. 2), the
// Gaussian-mixture score (eq. 54) and a trained DDPM denoiser.
package score
