// Package flow integrates the probability-flow ODE: the deterministic backward dynamics with
// the same marginals P_t as the backward SDE of eq. (3). The paper's discussion states that its
// speciation and collapse criteria, eqs. (4) and (5), hold "whether the generative process is
// deterministic and flow-based or stochastic and diffusion-based"; this package supplies the
// deterministic process so that the claim can be tested.
//
// # The ODE
//
// The forward process of eq. (1), dx = −x dt + dη with ⟨η²⟩ = 2 dt, has the Fokker-Planck
// equation ∂_t P = ∇·(x P) + ΔP = ∇·[(x + ∇ log P) P]. The velocity field −(x + F), with the
// score F(x, t) = ∇ log P_t(x) of package score (eq. 2 for the empirical score, eq. 54 for
// the mixture), transports P_t with the same continuity equation, so the ODE
//
//	dx/dt = −[x + F(x, t)],   integrated from t = T (x_T ~ N(0, I)) back to t = 0,   (F1)
//
// has the marginals P_t of eqs. (1) and (3) (the SDE of eq. 3 has drift x + 2F and noise
// 2 dt: half the score term is traded for the noise). In backward time s = T − t the step is
// x(t − η) = x(t) + η v(x(t), t) with v = x + F: Euler; Heun averages v at both ends; the
// step to t = 0 is the midpoint rule, so that F is never evaluated at t = 0 (the empirical
// score is singular there).
//
// # Gaussian data: the closed form used by the tests
//
// For P_0 = N(m, s² I), x(t) ~ N(m e^{−t}, Γ_t I) with Γ_t = s² e^{−2t} + Δ_t (SI eq. 17)
// and F = −(x − m e^{−t})/Γ_t. With y = x − m e^{−t}, (F1) becomes dy/dt = y(1/Γ_t − 1),
// and since dΓ_t/dt = 2(1 − Γ_t), d log sqrt(Γ_t)/dt = 1/Γ_t − 1: the flow is the affine map
// between the two Gaussian laws,
//
//	x_t = m e^{−t} + sqrt(Γ_t/Γ_T) (x_T − m e^{−T}).   (F2)
//
// # Final denoiser
//
// Writing F = (e^{−t} D − x)/Δ_t with the denoiser D(x, t) = e^t (x + Δ_t F) (Tweedie's
// posterior mean E[a | x(t) = x]), (F1) with D frozen is solved exactly by
// x(t') = e^{−t'} D + sqrt(Δ_{t'}/Δ_t)(x − e^{−t} D) (the DDIM step); at t' = 0 it is
//
//	x̂(0) = D(x, η) = e^{η} (x + Δ_η F(x, η)),   (F3)
//
// which Config.FinalDenoise uses as the last step. For the exact empirical score the ODE then
// ends on a training point (collapse, eq. 5), as the SDE does with sde.Config.FinalDenoise;
// without it the midpoint step from t = η leaves a quarter of the distance |x(η) − a_μ e^{−η}|
// (the drift near a_μ is −y/(2t)), ¼ sqrt(Δ_η) E|z| on average.
//
// Any score.Score runs here (mixture, exact empirical, a trained U-Net); each step is one graph
// call that also returns the score values, and a non-finite score stops the integration with
// an error naming the step, t and the trajectory.
package flow
