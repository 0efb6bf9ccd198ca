package gmm

import (
	"fmt"
	"math"
)

// Commitment returns C(t), the probability that the sign of q(t) = m·x(t)/sqrt(d) of a
// backward trajectory already equals the cluster it ends in. Conditional on x(t) = y, the
// exact backward dynamics ends in cluster ± with the posterior p_±(y) = G_± / (G_+ + G_−) of
// eq. (6), so with κ = SNR(t) and u = κ + z,
//
//	C(t) = E_{u ~ N(κ, 1)} [ 1 / (1 + e^{−2κ|u|}) ] = E_z[h(κ² + κz)],   h(w) = 1 / (1 + e^{−2|w|})
//
// (derived here, not in the paper; checked against Monte Carlo). It goes from ½ (t → ∞) to 1
// (t → 0) across t_S, like φ(t) of eq. (6). Evaluated with the shifted-Gaussian quadrature of
// Phi, split at the kink w = 0 of h (within 1e-10 of gonum's Simpson rule on 200 001 points
// in the tests). NaN for t < 0 or an invalid Mixture.
func (m Mixture) Commitment(t float64) float64 {
	if !m.ok() || !(t >= 0) {
		return math.NaN()
	}
	h := func(w float64) float64 { return 1 / (1 + math.Exp(-2*math.Abs(w))) }
	k := m.SNR(t)
	return expectShifted(k, h, math.Inf(-1), 0) + expectShifted(k, h, 0, math.Inf(1))
}

// CommitmentCurve returns Commitment at each of ts, or an error naming the first invalid
// parameter.
func (m Mixture) CommitmentCurve(ts []float64) ([]float64, error) {
	return m.curve("CommitmentCurve", ts, m.Commitment)
}

// curve returns f at each of ts, or an error naming the first invalid parameter (fn names
// the caller).
func (m Mixture) curve(fn string, ts []float64, f func(float64) float64) ([]float64, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	out := make([]float64, len(ts))
	for i, t := range ts {
		if !(t >= 0) {
			return nil, fmt.Errorf("gmm: %s: time ts[%d] = %g must be >= 0", fn, i, t)
		}
		out[i] = f(t)
	}
	return out, nil
}
