// Package realdata orchestrates the paper's experiments on real images (main text, "Speciation
// time" and "Collapse time" for realistic data; SI D.2; Figures 4, 5 and 6-11) on top of the
// dynamics engine (score, sde, clone, nearest, entropy), the data (datasets, spectrum) and the
// class detector (classifier).
//
// An Experiment is one training set with one score route:
//
//   - route (a), NewEmpirical: the exact empirical score of eq. (2) on the training set, the
//     object the theory is about (no training);
//   - route (b), NewDDPM / MaybeDDPM: a trained U-Net DDPM (SI D.2) used as the score
//     F = -ε_θ/sqrt(1-ᾱ) at t of eq. (59), from a checkpoint trained on exactly the training
//     set: a TrainingSet (dataset, classes, n, seed, split, image shape, digest of the images)
//     is recorded next to every checkpoint (TrainingSetFile); FindDDPM looks in
//     $DIFFREGIMES_DDPM, the reference models and the cache and takes the checkpoint with the
//     most steps; another set's checkpoint is refused (MismatchError names both), a truncated
//     one passed over with a note naming the file (PrepareDDPMDir moves it aside before
//     training). Provenance says where the model comes from (steps, losses, date; the held-out
//     loss of eq. 60 from DenoisingLoss).
//
// Route (b) runs its clone pairs and tracked trajectories stacked (runStacked): after each
// cloning time the batch holds the trunks and all copies made so far, so every step is one
// U-Net call on all live trajectories (Speciation, Collapse, CloneCases).
//
// Memorisation: a sample is a copy when its distance to the nearest training image is below
// CopyThreshold = 1/3 of the distance to the second nearest (Bonnaire, Urfin, Biroli, Mézard,
// arXiv 2505.17638); Copies / CopyFraction count them for Figures 5 and 11, and
// MemorisationOverTraining follows the fraction of copies f_mem along training for several n
// and fits τ_mem(n), the step where f_mem crosses ½.
//
// Figure 1's image side: BackwardStrip (one trajectory at the poster's times, PosterTimes,
// with the regimes I/II/III of t_S and t_C marked) and CloneCases (two clones split in each
// regime, with their nearest training images); Figure1Images runs both per training set.
//
// It carries Λ, the top eigenvalue of the covariance of the first channel (SI D.2, Table 1),
// the predicted speciation time t_S = 1/2 log Λ of eq. (4), and α = log(n)/d. Trajectories
// follow eq. (55) from x_T ~ N(0, I) down to t = η; the last step to t = 0 is the noise-free
// denoiser x̂(0) = e^{η}(x + Δ_η F) (sde.Denoise and sde.Config.FinalDenoise, which
// Experiment.Integrator sets; eq. 61 with z = 0 at its last step), for samples, tracks and
// the clones' labels alike.
//
// Figure 4, Speciation: φ(t), the probability that two clones made at time t end in the same
// class (cloning protocol, classifier labels), at times t = r·t_S, with three-standard-error
// bars, and the measured t_S where φ crosses 0.775. Figure4 runs it on every Table 1 dataset
// installed.
//
// Figure 4 across datasets, Universality: the same φ(t) against t/t_S for several training
// sets (UniversalitySpecs: MNIST 1/8 and four Fashion-MNIST pairs spanning Λ ≈ 7-33), each with
// the classifier of its own pair (PairClassifier), and per curve the t/t_S where φ = 0.775 with
// the interval where the ±3 s.e. band crosses it, and their spread (the paper's claim that the
// rescaled curves of very different datasets look alike; its U-Nets: 0.82-1.02).
//
// Figure 5, Collapse: φ_C(t), the probability that two clones end on the same nearest training
// image; the last-change times t̂_C of μ*(t) = argmin_μ |a_μ e^{-t} - x(t)| and their mean t̄_C;
// the empirical excess entropy f^e(t)/α (eqs. 5, 56-57) and the time where it falls to
// ZeroLevel (entropy.CollapseTimeAt); CollapseTable compares the three t_C estimates. f^e is
// estimated with entropy.Estimator.ExcessCV, a control variate that removes the χ² noise of
// the paper's estimator (same expectation, far smaller error bars). Figure5 runs it for a list
// of training sets.
//
// Figures 6-11: Samples / Figure11 generate samples, label them with the classifier, and find
// the four nearest training images of each with their L2 distances (KNearest, NeighbourGrid),
// next to the spacing of the training images themselves (TrainingSpacing).
//
// Charts (Figure4Result.Chart, Figure5Result.PhiCChart / HistogramChart / EntropyChart,
// SamplesResult.SamplesGrid / NeighboursGrid) are nbplot charts for the notebooks 31-33.
// Backend picks the pure-Go backend's sequential op scheduling on CPU (see Backend).
package realdata
