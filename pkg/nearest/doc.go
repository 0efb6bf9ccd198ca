// Package nearest tracks the nearest training point along backward trajectories (main text,
// "Collapse time" for realistic data, Fig. 5): the index
//
//	μ*(t) = argmin_μ |a_μ e^{-t} - x(t)|
//
// at every step of the integrator (fused into the step graphs as an sde.Observer), each
// trajectory's last change of μ*(t) (the estimate t̂_C of the collapse time), and the final
// L2 distance |x(0) - a_μ*| to the nearest training point. Its ClassFunc labels points by
// their nearest training point, which gives φ_C(t) through package clone.
package nearest
