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
	rng := gmm.NewRand(seed)
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
// end ("ends in +" / "ends in −", coloured by it, thin lines), for nbplot.Lines: the picture of Fig. 1 projected on m.
func (p QPaths) Paths(k int) []nbplot.Series {
	last := p.Q[len(p.Q)-1]
	k = min(k, len(last))
	var out []nbplot.Series
	for i := range k {
		y := make([]float64, len(p.T))
		for j := range p.T {
			y[j] = p.Q[j][i]
		}
		c := 1
		if last[i] <= 0 {
			c = -1
		}
		out = append(out, nbplot.Series{Name: className(c), X: p.T, Y: y, Color: classColor(c), Thin: true})
	}
	return out
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
