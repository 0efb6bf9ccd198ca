// Package ddpm trains and samples the discrete-time denoising diffusion model of SI D.2
// (Ho et al. 2020) whose denoiser is the U-Net of pkg/unet, and exposes the trained denoiser as
// a score function so the engine's SDE, cloning and nearest-neighbour tools run on it.
//
//   - forward noising, eq. (58): x(t') = sqrt(ᾱ(t')) a + sqrt(1 - ᾱ(t')) ξ, with the linear β
//     schedule of pkg/ou (PaperSchedule: 1e-4 → 2e-2 over L = 1000 steps);
//   - the ε-prediction loss, eq. (60): Loss;
//   - the ancestral sampler, eq. (61): Sample;
//   - the score, -ξ_θ(x, t') / sqrt(1 - ᾱ(t')), at continuous time t = -½ log ᾱ(t'), eq. (59):
//     Score, which implements score.Score and score.WithStore;
//   - training with Adam (lr 1e-4, batch 128 by default), a progress bar, atomic checkpoints
//     that hold the parameters, the Adam state and the step, and exact resumption: Trainer.
//
// The data order and all randomness are functions of (seed, step), so a run resumed from a
// checkpoint continues bit for bit like an uninterrupted one (TestResumeAfterSIGKILL kills a
// training process with SIGKILL and compares every parameter and Adam moment).
//
// Backend returns the backend to train on: on CPU the pure-Go backend with sequential op
// scheduling, because its default parallel scheduling deadlocks on U-Net steps. ScaledSchedule
// shortens the chain for CPU demonstrations while keeping T ≈ 5–6. cmd/train is the command-line
// entry point for long runs; notebooks/20_train_unet.ipynb reads the same checkpoints.
package ddpm
