// Package ddpm trains and samples the discrete-time denoising diffusion model of SI D.2
// (Ho et al. 2020) whose denoiser is the U-Net of pkg/unet, and exposes the trained denoiser as
// a score function so the engine's SDE, cloning and nearest-neighbour tools run on it.
//
//   - forward noising, eq. (58): x(t') = sqrt(ᾱ(t')) a + sqrt(1 - ᾱ(t')) ξ, with the linear β
//     schedule of pkg/ou (PaperSchedule: 1e-4 → 2e-2 over L = 1000 steps);
//   - the ε-prediction loss, eq. (60): Loss; on a fixed set with fixed draws: DenoisingLoss;
//   - the ancestral sampler, eq. (61): Sample;
//   - the score, -ξ_θ(x, t') / sqrt(1 - ᾱ(t')), at continuous time t = -½ log ᾱ(t'), eq. (59):
//     Score, which implements score.Score and score.WithStore;
//   - training as diffusion models are trained: Trainer, with Adam (lr 1e-4, batch 128 by
//     default, SI D.2), a linear learning-rate warm-up (lr·min(1, s/W) at step s), clipping of
//     the gradient's global L2 norm, and an exponential moving average of the weights,
//     ema ← d·ema + (1-d)·θ with d = min(rate, (s-1)/(s+9)) (TrainConfig.EMADecay). Sampling,
//     the score and the experiments use the average: LoadModel returns it. Every EvalEvery
//     steps the trainer evaluates the denoising loss of the average on a held-out set and on a
//     fixed subset of the training set (Eval), beside the training loss of each step.
//
// Checkpoints are pkg/checkpoint files (one file, atomic, CRC-checked) holding the weights, their
// average, the Adam state, the step, the loss history and the provenance (Meta): preset, EMA
// rate, evaluations, training time, dates, and the training-set spec (DataSpec: dataset,
// classes, n, seed, image shape). LoadFor refuses a checkpoint trained on another training set,
// naming both specs; Meta.Differences lists the settings a resume would change.
//
// The data order and all randomness are functions of (seed, step), so a run resumed from a
// checkpoint continues bit for bit like an uninterrupted one (TestResumeAfterSIGKILL kills a
// training process with SIGKILL and compares every parameter, average and Adam moment, every
// loss and every evaluation).
//
// Presets are the route (b) reference models (`cmd/train -preset NAME`, `make models`): Presets,
// PresetByName, and LoadReference, which loads one from <root>/models/<name>.
//
// Backend returns the backend to train on: on CPU the pure-Go backend with sequential op
// scheduling, because its default parallel scheduling deadlocks on U-Net steps. ScaledSchedule
// shortens the chain for CPU demonstrations while keeping T ≈ 5–6. cmd/train is the command-line
// entry point for long runs; notebooks/20_train_unet.ipynb reads the same checkpoints.
package ddpm
