// Package experiment orchestrates the figure-level experiments of the Gaussian-mixture half of
// the paper (Figs. 1-3, the potential of eqs. 7-8 and the random energy model of SI C) on top of
// the theory packages (gmm, rem) and the dynamics engine (score, sde, clone, entropy, nearest),
// so that the notebooks 10-14 only call it and chart its results with nbplot.
//
//   - Fig. 1 (regimes.go): RunRegimes runs backward trajectories with the exact empirical score
//     (eq. 2) on n mixture points and records the overlap q = m·x/sqrt(d) and the nearest
//     training point; Regimes.Commitment measures the commitment to the final class
//     (speciation, t_S, to compare with gmm.Mixture.Commitment) and to the final training point
//     (collapse, t_C of eq. 10); Regimes.LastChange is the t̂_C estimator of Fig. 5.
//
//   - Fig. 2 (speciation.go): PhiSweep runs the cloning experiment of SI D.1 (eqs. 54-55) over
//     d; TheoryPhiCurve gives eq. (6); PhiCrossing is the finite-size crossing estimate of the
//     speciation time (main text after eq. 6), with a bootstrap error.
//
//   - The potential (potential.go): Potential tabulates V(q, t) of eq. (8) (PotentialTable.Frames
//     makes a slider over t of it, for nbplot.Timeline); SimulateQ integrates the q-Langevin
//     eq. (7). The closed forms (the curvature zero t* of eq. 23, the barrier, the commitment
//     probability C(t)) are methods of gmm.Mixture.
//
//   - Fig. 3 (collapse.go): ExcessSweep estimates f^e(t) (eqs. 5, 56-57) over d;
//     CollapseTable estimates t_C as the largest zero of f^e (and the f^e = log 2/d midpoint)
//     and compares it with eq. (10).
//
//   - SI C (rem.go): REM evaluates ψ_±(t) (eqs. 40-42, 50-52 as corrected in package rem);
//     REMMonteCarlo draws finite instances; FitLogDOverD extrapolates them to d = ∞.
//
//   - Deviation compares measured values with predictions in standard errors.
//
// Every sweep takes an Options struct (RegimesOptions, PhiOptions, ExcessOptions, REMOptions),
// as package realdata's runs do. The series that the results return carry their colours
// (trajectories by final class, curves by dimension d), so a notebook charts them as they are.
// Grids, crossings and means come from package numeric, the mixture and its sampler from
// package gmm, and notebooks keep results across cells with package memo.
//
// Randomness is seeded everywhere (PCG on the host, the engine's seeded streams in graphs).
// Invalid input is an error that names the argument.
package experiment
