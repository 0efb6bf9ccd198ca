// Package entropy estimates the entropy per variable of the noised empirical distribution and
// the empirical excess entropy density of the collapse criterion (main text eq. 5, Fig. 3 and
// Fig. 5; SI D.1 eqs. 56-57):
//
//	s^e(t) = -1/(n' d) Σ_ν log P^e_t(x^(ν)),   x^(ν) = e^{-t} a_μν + sqrt(Δ_t) ξ^(ν), μν uniform,
//	P^e_t(x) = (1/n) Σ_μ (2πΔ_t)^{-d/2} exp(-|x - a_μ e^{-t}|² / (2Δ_t)),
//	f^e(t) = s^sep(t) - s^e(t),   s^sep(t) = log(n)/d + 1/2 + 1/2 log(2πΔ_t).
//
// The n' samples are processed in batches and the sum over the n training points is streamed
// over the dataset's chunks with a log-sum-exp, so n' = 250 000 and n = 20 000 fit on a GPU.
// Collapse happens at t_C, the largest time where f^e(t) = 0 (CollapseTime, or CollapseTimeAt
// a small level).
//
// Two estimators of f^e share one sample stream: Excess is the paper's (s^sep minus the mean of
// -log P^e_t/d); ExcessCV subtracts from each sample the control variate 1/2 - |ξ|²/(2d), of
// mean zero, which removes the χ²_d noise of |ξ|² and leaves a sum of terms >= 0: the same
// expectation with error bars smaller by orders of magnitude.
package entropy
