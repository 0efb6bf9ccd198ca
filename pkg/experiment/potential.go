package experiment

import (
	"fmt"
	"math"

	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/nbplot"
	"github.com/diffregimes/diffregimes/pkg/numeric"
)

// PotentialTable is the potential V(q, t) of eq. (8) tabulated on a grid of q for several t.
type PotentialTable struct {
	TS    float64     // speciation time t_S of the mixture, to label the curves by t/t_S
	TStar float64     // t* of eq. (23), where V''(0, t) changes sign
	T     []float64   // the times
	Q     []float64   // the overlaps q = m·x/sqrt(d), symmetric around 0
	V     [][]float64 // V[i][j] = V(Q[j], T[i])
}

// Potential tabulates V(q, t) = ½ q² − 2 μ̃² log cosh(q e^{-t} sqrt(d)) of eq. (8) at the
// times ts on nq points of [−qMax, qMax]. Errors for an invalid mixture, an empty ts, a time
// < 0, qMax <= 0 or nq < 3.
func Potential(m gmm.Mixture, ts []float64, qMax float64, nq int) (PotentialTable, error) {
	if err := m.Validate(); err != nil {
		return PotentialTable{}, fmt.Errorf("experiment: Potential: %w", err)
	}
	switch {
	case len(ts) == 0:
		return PotentialTable{}, fmt.Errorf("experiment: Potential: ts is empty")
	case !(qMax > 0) || math.IsInf(qMax, 0):
		return PotentialTable{}, fmt.Errorf("experiment: Potential: qMax must be finite and > 0, got %g", qMax)
	case nq < 3:
		return PotentialTable{}, fmt.Errorf("experiment: Potential: nq must be >= 3, got %d", nq)
	}
	if err := checkTimes("Potential", ts, false); err != nil {
		return PotentialTable{}, err
	}
	p := PotentialTable{TS: m.SpeciationTime(), TStar: m.CurvatureTime(), T: append([]float64(nil), ts...), Q: numeric.Linspace(-qMax, qMax, nq)}
	for _, t := range ts {
		row := make([]float64, nq)
		for j, q := range p.Q {
			row[j] = m.Potential(q, t)
		}
		p.V = append(p.V, row)
	}
	return p, nil
}

// Frames returns one slider frame per time for nbplot.Timeline, each the curve V(·, t) labelled
// by t, t/t_S and the shape of the well: a double well below t* of eq. (23), a single one above.
// The slider's ticks are t/t_S.
func (p PotentialTable) Frames() []nbplot.Frame {
	out := make([]nbplot.Frame, len(p.T))
	for i, t := range p.T {
		shape := "single well (t > t*)"
		if t < p.TStar {
			shape = "double well (t < t*)"
		}
		out[i] = nbplot.Frame{
			Label:  fmt.Sprintf("t = %.2f (t/t_S = %.2f): %s", t, t/p.TS, shape),
			Tick:   fmt.Sprintf("%.2f", t/p.TS),
			Series: []nbplot.Series{{Name: "V(q,t)", X: p.Q, Y: p.V[i]}},
		}
	}
	return out
}

// Series returns one curve V(·, t) per time, named by t and t/t_S, for nbplot.Lines (the
// legend toggles them, which gives an interactive control over t).
func (p PotentialTable) Series() []nbplot.Series {
	out := make([]nbplot.Series, len(p.T))
	for i, t := range p.T {
		out[i] = nbplot.Series{Name: fmt.Sprintf("t=%.2f (t/t_S=%.2f)", t, t/p.TS), X: p.Q, Y: p.V[i]}
	}
	return out
}

// CurvatureZero locates numerically the time at which the curvature of V(q, t) at q = 0
// changes sign, from central finite differences of Potential and bisection on [tLo, tHi]:
// the independent check of t* = ½ log(2 d μ̃²) of eq. (23). Errors when the curvature does not
// change sign on the bracket.
func CurvatureZero(m gmm.Mixture, tLo, tHi float64) (float64, error) {
	if err := m.Validate(); err != nil {
		return 0, fmt.Errorf("experiment: CurvatureZero: %w", err)
	}
	if !(tLo >= 0 && tHi > tLo) || math.IsInf(tHi, 0) {
		return 0, fmt.Errorf("experiment: CurvatureZero: need 0 <= tLo < tHi < ∞, got [%g, %g]", tLo, tHi)
	}
	curv := func(t float64) float64 {
		// h in units of the scale of the log cosh term, so the difference stays accurate.
		h := 1e-3 * math.Min(1, math.Exp(t)/math.Sqrt(float64(m.D)))
		return (m.Potential(h, t) - 2*m.Potential(0, t) + m.Potential(-h, t)) / (h * h)
	}
	if cLo, cHi := curv(tLo), curv(tHi); !(cLo < 0 && cHi > 0) {
		return 0, fmt.Errorf("experiment: CurvatureZero: V''(0,t) does not go from < 0 to > 0 on [%g, %g] (%g, %g)", tLo, tHi, cLo, cHi)
	}
	t, err := numeric.Bisect(curv, tLo, tHi, 1e-12)
	if err != nil {
		return 0, fmt.Errorf("experiment: CurvatureZero: %w", err)
	}
	return t, nil
}

// Barrier returns the height V(0, t) − min_q V(q, t) of the barrier between the two wells of
// eq. (8) and the position q0 > 0 of the right minimum, the root of Force(q, t) = 0 found by
// bisection. For t >= t* (single well) both are 0.
func Barrier(m gmm.Mixture, t float64) (height, q0 float64, err error) {
	if err := m.Validate(); err != nil {
		return 0, 0, fmt.Errorf("experiment: Barrier: %w", err)
	}
	if !(t >= 0) || math.IsInf(t, 0) {
		return 0, 0, fmt.Errorf("experiment: Barrier: time t = %g must be finite and >= 0", t)
	}
	a := math.Sqrt(float64(m.D)) * math.Exp(-t)
	if 2*m.Mu*m.Mu*a*a <= 1 { // V''(0, t) >= 0: a single well at q = 0
		return 0, 0, nil
	}
	// The force −q + 2μ̃² a tanh(q a) is > 0 just right of 0 and < 0 at q = 2μ̃² a + 1; its
	// ratio to q has the same sign on q > 0 and tends to V''(0,t)·(−1) = 2μ̃² a² − 1 > 0 at 0.
	perQ := func(q float64) float64 {
		if q == 0 {
			return 2*m.Mu*m.Mu*a*a - 1
		}
		return m.Force(q, t) / q
	}
	q0, err = numeric.Bisect(perQ, 0, 2*m.Mu*m.Mu*a+1, 0)
	if err != nil {
		return 0, 0, fmt.Errorf("experiment: Barrier: t = %g: %w", t, err)
	}
	return m.Potential(0, t) - m.Potential(q0, t), q0, nil
}

// QPaths holds trajectories of the q-Langevin equation (7) recorded at decreasing times.
type QPaths struct {
	T []float64   // recorded times, strictly decreasing; T[0] is the start, T[len-1] the end
	Q [][]float64 // Q[k][i] = q_i(T[k])
}

// SimulateQ draws n values q(T[0]) from P_t projected on m (gmm.SampleQ) and integrates eq.
// (7) backward (gmm.EvolveQ, steps <= step) through the times ts (strictly decreasing, >= 0),
// recording every trajectory at each of them. Seeded: the same seed gives the same paths.
func SimulateQ(m gmm.Mixture, n int, ts []float64, step float64, seed uint64) (QPaths, error) {
	if err := m.Validate(); err != nil {
		return QPaths{}, fmt.Errorf("experiment: SimulateQ: %w", err)
	}
	switch {
	case n < 1:
		return QPaths{}, fmt.Errorf("experiment: SimulateQ: n must be >= 1, got %d", n)
	case len(ts) < 2:
		return QPaths{}, fmt.Errorf("experiment: SimulateQ: need at least 2 times, got %d", len(ts))
	case !(step > 0):
		return QPaths{}, fmt.Errorf("experiment: SimulateQ: step must be > 0, got %g", step)
	}
	if err := checkTimes("SimulateQ", ts, true); err != nil {
		return QPaths{}, err
	}
	rng := NewRand(seed)
	q := make([]float64, n)
	if err := m.SampleQ(q, ts[0], rng); err != nil {
		return QPaths{}, fmt.Errorf("experiment: SimulateQ: %w", err)
	}
	p := QPaths{T: append([]float64(nil), ts...), Q: [][]float64{append([]float64(nil), q...)}}
	for k := 1; k < len(ts); k++ {
		if err := m.EvolveQ(q, ts[k-1], ts[k], step, rng); err != nil {
			return QPaths{}, fmt.Errorf("experiment: SimulateQ: %w", err)
		}
		p.Q = append(p.Q, append([]float64(nil), q...))
	}
	return p, nil
}

// Commitment returns, at each recorded time, the fraction of trajectories whose sign of q
// already equals its sign at the end, and the standard error of that fraction.
func (p QPaths) Commitment() (frac, stderr []float64) {
	last := p.Q[len(p.Q)-1]
	n := float64(len(last))
	for _, q := range p.Q {
		same := 0
		for i, x := range q {
			if (x > 0) == (last[i] > 0) {
				same++
			}
		}
		f := float64(same) / n
		frac = append(frac, f)
		stderr = append(stderr, math.Sqrt(f*(1-f)/n))
	}
	return frac, stderr
}

// Paths returns the first k trajectories as series against t, split by the sign of q at the
// end ("ends in +" / "ends in −"), for nbplot.Lines: the picture of Fig. 1 projected on m.
func (p QPaths) Paths(k int) []nbplot.Series {
	last := p.Q[len(p.Q)-1]
	k = min(k, len(last))
	var out []nbplot.Series
	for i := range k {
		y := make([]float64, len(p.T))
		for j := range p.T {
			y[j] = p.Q[j][i]
		}
		name := "ends in +"
		if last[i] <= 0 {
			name = "ends in −"
		}
		out = append(out, nbplot.Series{Name: name, X: p.T, Y: y})
	}
	return out
}

// Commitment returns the probability that the sign of q(t) = m·x(t)/sqrt(d) of a backward
// trajectory equals the cluster it ends in. Conditional on x(t) = y, the exact backward
// dynamics ends in cluster ± with the posterior p_±(y) = G_± / (G_+ + G_−) of eq. (6), so with
// κ = SNR(t) and u = κ + z,
//
//	C(t) = E_{u ~ N(κ, 1)} [ 1 / (1 + e^{−2κ|u|}) ]
//
// It goes from ½ (t → ∞) to 1 (t → 0) across t_S, like φ(t) of eq. (6), and is evaluated by
// Simpson quadrature split at the kink u = 0 (absolute error < 1e-9).
func Commitment(m gmm.Mixture, t float64) float64 {
	k := m.SNR(t)
	if math.IsNaN(k) {
		return math.NaN()
	}
	f := func(u float64) float64 {
		return math.Exp(-0.5*(u-k)*(u-k)) / math.Sqrt(2*math.Pi) / (1 + math.Exp(-2*k*math.Abs(u)))
	}
	return simpson(f, math.Min(0, k-12), 0, 4000) + simpson(f, 0, math.Max(0, k+12), 4000)
}

func simpson(f func(float64) float64, a, b float64, n int) float64 {
	if b <= a {
		return 0
	}
	h := (b - a) / float64(n)
	s := f(a) + f(b)
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		s += w * f(a+float64(i)*h)
	}
	return s * h / 3
}

// checkTimes reports the first time that is negative, infinite or NaN and, when decreasing is
// set, the first that does not decrease strictly.
func checkTimes(fn string, ts []float64, decreasing bool) error {
	for i, t := range ts {
		if !(t >= 0) || math.IsInf(t, 0) {
			return fmt.Errorf("experiment: %s: time %d is %g, must be finite and >= 0", fn, i, t)
		}
		if decreasing && i > 0 && !(t < ts[i-1]) {
			return fmt.Errorf("experiment: %s: times must decrease strictly, got %g then %g", fn, ts[i-1], t)
		}
	}
	return nil
}
