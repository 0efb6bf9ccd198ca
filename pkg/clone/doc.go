// Package clone implements the cloning protocol of the paper (main text, "Speciation time";
// SI D.1 and D.2): backward trajectories are run from t_f = T to a time t, cloned into two
// copies with independent noise, and both copies are finished to t = 0. The package returns
//
//   - φ(t), the probability that the two clones end in the same class (eq. 6 gives it in
//     closed form for the Gaussian mixture, where the class is sign(m·x)), and
//   - φ_C(t), the probability that they end on the same nearest training point (Fig. 5),
//
// each with the paper's error bar of three standard errors, for a list of cloning times,
// reusing the shared part of the trajectories.
package clone
