// Package rem is the random energy model of SI C (eqs. 30-53) that locates the collapse of
// diffusion on the training set of the Gaussian mixture (package gmm).
//
// At a typical noised training point x = a¹ e^{-t} + z sqrt(Δ_t), P_t^e(x) is a sum of Z_1 =
// e^{-|z|²/2} ≈ e^{-d/2}, Z_+ over the other data of the same cluster and Z_− over the other
// cluster (eqs. 30-32). With n = e^{αd} data, (1/d) log Z_± → ψ_±(t), and the collapse time
// t_C is the t_cond at which ψ_+ = −1/2. Levels holds the large-deviation law of the
// energies (g_t, λ*, ε*, f_t, ε_min, ψ) for either sum; Model holds (α, σ, μ̃) and returns
// PsiPlus, PsiMinus, CondensationTime (eq. 43 = eq. 10) and CondensationTimeMinus; Sample and
// SampleTypical draw finite instances.
//
// # Checks against the paper's text
//
// The tests compute the Legendre pair numerically both ways (golden-section search), g_t by a
// direct two-dimensional quadrature, and ψ_± by Monte Carlo on finite instances up to d = 70
// (1.2e6 levels). What differs from the print, and is implemented in its verified form:
//
//   - Eqs. (37), (46): the numerator of ε*(λ) = −g_t'(λ) has λσ_t⁴, printed λσ_t². Only the
//     corrected form gives ε*(1) = 1/2 and eq. (49), which the paper then uses.
//   - Eqs. (38), (47): the Legendre transform gives (1 + 2ε)A, printed (1 + 2εA). With the
//     printed form f_t(ε_typ) ≠ 0 and f_t(1/2) ≠ ½ log(1 + σ_t²/Δ_t); the corrected one
//     matches the numerical transform to 1e-10.
//   - Eq. (42): the branches are swapped and the condensed value is not −1/2. Since
//     f_t(ε*(1)) = ½ log(1 + σ_t²/Δ_t) decreases with t, the annealed eq. (40) holds for
//     t >= t_cond, and for t < t_cond the model is condensed with ψ_+ = −ε_min(t) < −1/2
//     (ε_min the smallest root of f_t = α). ψ_+ = −1/2 only at t_cond. This is what the main
//     text states (ψ_+ < −1/2 for t < t_C) and what the Monte Carlo shows: at α = 0.2,
//     t = t_cond/2, (1/d) log Z_+ = −0.94, −0.89, −0.87 for d = 20, 40, 70, approaching
//     ψ_+ = −0.817 (not −1/2) with log(d)/d corrections.
//   - Eq. (52): same swap; the condensed value is −ε_min of the Z_− levels, and −ε*(1) of
//     eq. (49) is its value at the transition only.
//   - Eq. (53) repeats eq. (43). Eq. (51) instead gives ½ log(1 + σ_t²/Δ_t) +
//     ½ M_t σ_t²/(Δ_t + σ_t²)² = α, a later time (α = 0.2, σ = μ̃ = 1: 0.7903 vs 0.5548);
//     CondensationTimeMinus solves it. It does not affect t_C since ψ_− < ψ_+.
//   - SI C.3: "(x − m e^{-t})²/d concentrates around 4m²/d e^{-2t} + ..." is (x + m e^{-t})².
//   - SI C.4: Z_± "behaves as e^{-dψ_±}" is e^{+dψ_±}; f̂_t in C.2-C.3 is f_t.
//
// Each of Z_± sums over about n/2 levels; at fixed α the log 2 this drops is O(1/d) and is
// neglected, as in the paper.
package rem
