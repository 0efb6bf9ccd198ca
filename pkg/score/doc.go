// Package score defines the score functions F(x, t) = ∇ log P_t(x) that drive the backward
// dynamics of eq. (3): the Score interface shared by the exact empirical score (eq. 2), the
// Gaussian-mixture score (eq. 54) and a trained DDPM denoiser.
//
// Implementations here:
//   - Empirical: the exact empirical score of eq. (2), a softmax over the n training points
//     streamed chunk by chunk with an online log-sum-exp (memory O(b·chunk), stable down to
//     t = 1e-4 and up to d = 12288);
//   - Mixture: the two-cluster Gaussian-mixture score of eq. (54).
//
// Dataset stores training points as chunked store variables and provides the streaming
// graph reductions (log-sum-exp, softmax mean, arg-max of c1 x·a + c2 |a|²) that the
// empirical score, nearest-neighbour tracking and the entropy estimators of eqs. (56)-(57)
// share. Empirical also implements WithNearest: the index of the nearest training point
// from the same logits, for nearest-neighbour tracking at no extra cost. Evaluator evaluates
// any Score on host data.
package score
