// Package gmm computes the closed forms of the paper for the two-cluster Gaussian mixture
//
//	P_0(a) = ½ N(a; +m, σ² I) + ½ N(a; −m, σ² I),   |m|² = d μ̃²
//
// (main text "Analysis of Gaussian mixtures", SI B and D.1), as methods of Mixture:
//
//   - speciation: Phi, φ(t) of eq. (6)/(27), by quadrature exact to 1e-12 for d up to 1e5 and
//     any t >= 0; PhiInverse (the φ = 0.775 criterion); SpeciationTime t_S = ½ log(d μ̃²) (SI B.1);
//     SpectralSpeciationTime (eqs. 4, 16 with the exact Λ = d μ̃² + σ²); CurvatureTime t* (eq. 23);
//   - regime I: Potential V(q, t) (eq. 8) and Force; ProjectedPotential and QDrift (the exact
//     projection of the backward dynamics on m, SI eq. 20); SampleQ, EvolveQ (q-Langevin,
//     eq. 7) and ClonePhi (the cloning experiment of SI D.1 on the projected dynamics);
//   - collapse: CollapseTime t_C (eq. 10), SeparatedEntropy s^sep (eq. 5), ExcessEntropy f(t)
//     (the d → ∞ solid lines of Fig. 3), Entropy (exact finite-d s(t)) and FiniteExcessEntropy.
//   - commitment and wells: Commitment C(t), the probability that sign q(t) is already the
//     final class (the posterior of eq. 6, derived here), CommitmentCurve; CurvatureZero (the
//     numerical check of t* of eq. 23) and Barrier (height and minimum of the double well);
//   - sampling the data P_0: Centre m, Rand (one point and its label, as gonum's distributions
//     do), Sample (n points), NewRand (the seeded PCG generator).
//
// With σ = μ̃ = 1, Γ_t = 1 and κ(t_S) = sqrt(d) e^{-t_S} = 1 for every d, so φ(t_S) = 0.7752002
// exactly, independent of d: the 0.775 at which the curves of Fig. 2 cross.
//
// # Checks against the paper's text
//
// Each formula is verified independently in the tests (direct Simpson integration of eq. 6,
// Monte Carlo cloning, Monte Carlo entropy, finite differences). What differs from the print:
//
//   - Eq. (7): projecting the d-dimensional noise on m/sqrt(d) gives a noise of variance
//     2 μ̃² dt, not 2 dt; the two agree only for the paper's μ̃ = 1. EvolveQ uses 2 μ̃² dt
//     (TestEvolveQKeepsMarginal checks the marginals of P_t for μ̃ = 0.8).
//   - Eq. (8) drops Γ_t (sets it to 1): exact for σ = 1, the t ≫ 1 limit otherwise.
//     ProjectedPotential keeps it.
//   - SI B.1 calls 1 − (σ² + d μ̃²) e^{-2t} the largest eigenvalue of M; it is the smallest
//     (the one along m), and its zero is at ½ log(d μ̃² + σ²), of which ½ log(d μ̃²) is the
//     large-d form.
//   - SI B.2, "the scaling variable ... is e^{-√t} d": it is sqrt(d) e^{-t} = e^{-(t − t_S)}.
//   - SI eq. (26) squares the Gaussians in its denominator as well; eqs. (6) and (27) are right.
//   - Main-text eq. (9) and Z_1 carry an extra ½ in the exponent, e^{-½ (x − a e^{-t})²/(2Δ_t)};
//     SI eq. (30) has the right e^{-(x − a e^{-t})²/(2Δ_t)}. SI eq. (57) lacks the power d on
//     1/sqrt(2πΔ_t).
//   - The main text calls φ(t_S) = 0.775 approximate; for σ = μ̃ = 1 it is exact (above).
package gmm
