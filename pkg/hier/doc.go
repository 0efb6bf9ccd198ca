// Package hier is the closed form of hierarchical speciation for a four-cluster Gaussian
// mixture: two coarse groups, each split into two fine classes. It extends the two-cluster
// analysis of the paper (eqs. 6 and 54, SI B-C) to data whose covariance has two large
// eigenvalues, testing the discussion's claim that classes speciate at the scale of the
// covariance's large eigenvalues (eq. 4).
//
// # The mixture
//
// With orthogonal m₁ (coarse) and m₂ (fine), |m_i|² = d μ̃_i², μ̃₁ >= μ̃₂, and σ² I clusters,
//
//	P_0(a) = ¼ Σ_{s₁,s₂=±1} N(a; s₁m₁ + s₂m₂, σ² I).   (H1)
//
// Its covariance σ² I + m₁m₁ᵀ + m₂m₂ᵀ has the two large eigenvalues dμ̃₁² + σ² and dμ̃₂² + σ²
// along m₁ and m₂, so eq. (4) predicts the coarse split at t₁ = ½ log(dμ̃₁²) and the fine one at
// t₂ = ½ log(dμ̃₂²) < t₁ (large d, SI B.1).
//
// # The score factorises
//
// Under the forward process of eq. (1) each cluster becomes N(e^{−t}(s₁m₁ + s₂m₂), Γ_t I),
// Γ_t = Δ_t + σ² e^{−2t} (SI eq. 17). Expanding the square, the cross term 2 s₁s₂ e^{−2t}
// m₁·m₂/Γ_t vanishes because m₁·m₂ = 0, and the sum over (s₁, s₂) is a product:
//
//	P_t(x) ∝ e^{−|x|²/(2Γ_t)} cosh(e^{−t} x·m₁/Γ_t) cosh(e^{−t} x·m₂/Γ_t),
//	F(x, t) = −x/Γ_t + (e^{−t}/Γ_t) Σ_{i=1,2} m_i tanh(e^{−t} x·m_i/Γ_t).   (H2)
//
// Write x = q₁ u₁ + q₂ u₂ + x⊥ with u_i = m_i/|m_i|. The backward SDE of eq. (3) projected on
// u_i has drift q_i + 2(−q_i/Γ_t + (|m_i|e^{−t}/Γ_t) tanh(|m_i|e^{−t} q_i/Γ_t)), a function of
// q_i alone, and noise u_i·ξ: independent standard noises for orthonormal u₁, u₂. So q₁(t),
// q₂(t) and x⊥(t) are independent processes; q_i is exactly the projected process of the
// two-cluster mixture ±m_i (eq. 54 projected on m, SI eq. 18-21, package gmm's Force). The
// cloning probabilities of the signs of q₁ and q₂ are therefore eq. (6) with μ̃₁ and μ̃₂:
//
//	φ_coarse(t) = φ(t; μ̃₁),   φ_fine(t) = φ(t; μ̃₂),   φ_cluster(t) = φ_coarse(t) φ_fine(t),   (H3)
//
// φ_cluster being the probability that two clones end in the same of the four clusters
// (the two sign events are independent). φ_coarse crosses 0.775 near t₁ and φ_fine near t₂;
// with σ = 1 exactly (φ = 0.7752 at t_i, where κ_t = |m_i| e^{−t}/sqrt(Γ_t) = 1).
//
// NewMixture refuses non-orthogonal means (|cos| > OrthoTol): with m₁·m₂ ≠ 0 the cross term
// couples q₁ and q₂ and eq. (H3) no longer holds.
package hier
