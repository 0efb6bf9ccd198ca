// Package spectrum computes the spectral quantities that locate the speciation transition
// from data (main text eqs. 4 and 11, SI A eqs. 12-16), in float64 with gonum:
//
//   - Covariance: the data covariance C_0 as an operator (C_0 v in O(n d), no d×d matrix, so
//     d = 12 288 is fine), optionally under log-sum-exp-normalised weights;
//   - Lanczos / Covariance.Top: the top-k eigenvalues and eigenvectors (Λ is the first, the
//     first principal component its vector), with full re-orthogonalisation;
//   - TS: t_S = 1/2 log Λ, eq. (4);
//   - Noised: C(t) = C_0 e^{-2t} + Δ_t I, eq. (11);
//   - Landau: the curvature matrix M(t) of eq. (16) and the time where its smallest
//     eigenvalue crosses zero, with the plain or the effective (eq. 14) measure; LandauTime is
//     its closed form 1/2 log(1+Λ). See Landau for two misprints in eq. (16) and its text.
package spectrum
