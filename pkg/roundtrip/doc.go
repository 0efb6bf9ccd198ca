// Package roundtrip runs the forward-backward experiment: take a data point a, noise it to
// time t with the forward process of eq. (1) (x(t) = e^{−t} a + sqrt(Δ_t) ξ, eq. 2), run a
// backward process (the SDE of eq. 3, package sde, or the probability-flow ODE, package flow)
// from x(t) to 0, and measure φ_U(t) = P(label(x(0)) = label(a)) for any class function
// (sign(x·m) for the Gaussian mixture; a classifier or the nearest training point, for which
// φ_U is φ_{U,C}).
//
// # SDE: φ_U = φ
//
// With the exact score the backward SDE from x(t) samples the posterior P(a | x(t)): its
// transition from t to 0 is the time reversal of eq. (1). The data point a is itself a draw
// from P(a | x(t)) given x(t) ~ P_t. So (a, x(0)) are two conditionally independent draws from
// the posterior at a point x(t) ~ P_t: exactly the law of the two clones of the cloning protocol
// made at t, and φ_U(t) = φ(t) (eq. 6 for the mixture).
//
// # ODE: the mixture in closed form
//
// The flow is deterministic, so (a, x(0)) are no longer exchangeable. For the two-cluster
// mixture the ODE's velocity projected on u = m/|m| is −[q + F_q(q, t)], a function of
// q = x·u alone and odd in q (eq. 54): q = 0 is a trajectory and, in one dimension,
// trajectories do not cross, so sign(q(0)) = sign(q(t)). With q(t) = e^{−t} q_a + sqrt(Δ_t) z
// and q_a ~ ±M + σ z', M = μ̃ sqrt(d),
//
//	φ_U^ODE(t) = E_{z'}[Φ(e^{−t} |M + σ z'| / sqrt(Δ_t))]   (R1)
//
// (MixtureODEPhi). At large d, Δ_t → 1 near t_S and |M + σz'| ≈ M, so φ_U^ODE ≈ Φ(e^{−t} sqrt(d) μ̃):
// it crosses 0.775 at t_S + log(1/Φ^{−1}(0.775)) = t_S + 0.2805 (μ̃ = 1; ODECrossing), on the
// same ½ log d scale as the SDE's t_S of eq. (4) but shifted by a constant: the deterministic
// flow keeps the class of x(t), the SDE re-draws it.
package roundtrip
