package experiment

import (
	"fmt"
	"math"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/nbplot"
	"github.com/diffregimes/diffregimes/pkg/nearest"
	"github.com/diffregimes/diffregimes/pkg/numeric"
	"github.com/diffregimes/diffregimes/pkg/score"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

// Regimes is the experiment of Fig. 1: backward trajectories of eq. (3) driven by the exact
// empirical score of eq. (2) on n training points of a Gaussian mixture, recorded along the
// way, with the class of their end point and the training point nearest to them at each time.
type Regimes struct {
	Mix     gmm.Mixture
	Data    []float32 // the n training points, row-major
	Labels  []int     // their clusters ±1
	N       int
	TS, TC  float64     // t_S = ½ log(d μ̃²) and t_C of eq. (10) for n points
	T       []float64   // recorded times, decreasing from the horizon T to 0
	Q       [][]float64 // Q[k][i] = m·x_i(T[k])/sqrt(d), the overlap of eq. (7)
	X       [][]float32 // X[k] = the states at T[k], row-major [trajectories, d] (kept only for d <= KeepDim)
	Nearest [][]int     // Nearest[k][i]: index μ of the training point minimising |x_i − a_μ e^{-t}| at T[k]
	Class   []int       // sign(m·x_i(0)) of each trajectory
	Wall    float64     // seconds the trajectories took (integration and nearest points)
}

// KeepDim is the largest dimension for which Regimes keeps the full states (for plane plots).
const KeepDim = 3

// RegimesOptions are the parameters of RunRegimes.
type RegimesOptions struct {
	Mix          gmm.Mixture // the data distribution
	N            int         // training points, >= 2
	Trajectories int         // backward trajectories, >= 1
	SDE          sde.Config  // the integrator (paper: T = 10, L = 1000)
	Every        int         // record every Every steps (and at t = 0), >= 1
	Seed         uint64      // seed of the training points
}

// RunRegimes draws o.N training points of o.Mix (o.Seed), then runs o.Trajectories backward
// trajectories with the exact empirical score (score.Empirical, sde.Integrator with o.SDE)
// and records them every o.Every steps and at t = 0. On backend b.
func RunRegimes(b compute.Backend, o RegimesOptions) (Regimes, error) {
	m, n, nTraj, cfg, every, seed := o.Mix, o.N, o.Trajectories, o.SDE, o.Every, o.Seed
	switch {
	case b == nil:
		return Regimes{}, fmt.Errorf("experiment: RunRegimes: backend is nil")
	case n < 2:
		return Regimes{}, fmt.Errorf("experiment: RunRegimes: N must be >= 2, got %d", n)
	case nTraj < 1:
		return Regimes{}, fmt.Errorf("experiment: RunRegimes: Trajectories must be >= 1, got %d", nTraj)
	case every < 1:
		return Regimes{}, fmt.Errorf("experiment: RunRegimes: Every must be >= 1, got %d", every)
	}
	a, labels, err := m.Sample(n, gmm.NewRand(seed))
	if err != nil {
		return Regimes{}, err
	}
	data, err := score.NewDataset(a, n, m.D, 0)
	if err != nil {
		return Regimes{}, fmt.Errorf("experiment: RunRegimes: %w", err)
	}
	emp, err := score.NewEmpirical(data)
	if err != nil {
		return Regimes{}, fmt.Errorf("experiment: RunRegimes: %w", err)
	}
	in, err := sde.New(b, emp, cfg)
	if err != nil {
		return Regimes{}, fmt.Errorf("experiment: RunRegimes: %w", err)
	}
	tr, err := nearest.New(b, data)
	if err != nil {
		return Regimes{}, fmt.Errorf("experiment: RunRegimes: %w", err)
	}
	tc, err := m.CollapseTime(n)
	if err != nil {
		return Regimes{}, fmt.Errorf("experiment: RunRegimes: %w", err)
	}
	r := Regimes{Mix: m, Data: a, Labels: labels, N: n, TS: m.SpeciationTime(), TC: tc}
	start := time.Now()
	x, err := in.Start(nTraj)
	if err != nil {
		return Regimes{}, fmt.Errorf("experiment: RunRegimes: %w", err)
	}
	L := in.Config().L
	centre := m.Centre()
	for k := 0; ; {
		flat, err := tensors.CopyFlatData[float32](x)
		if err != nil {
			return Regimes{}, fmt.Errorf("experiment: RunRegimes: %w", err)
		}
		t := in.Time(k)
		r.T = append(r.T, t)
		r.Q = append(r.Q, overlaps(flat, centre, nTraj, m.D))
		if m.D <= KeepDim {
			r.X = append(r.X, flat)
		}
		idx, _, err := tr.Nearest(flat, t)
		if err != nil {
			return Regimes{}, fmt.Errorf("experiment: RunRegimes: t=%g: %w", t, err)
		}
		r.Nearest = append(r.Nearest, idx)
		if k == L {
			break
		}
		next := min(k+every, L)
		if x, err = in.Run(x, k, next); err != nil {
			return Regimes{}, fmt.Errorf("experiment: RunRegimes: %w", err)
		}
		k = next
	}
	for _, q := range r.Q[len(r.Q)-1] {
		c := 1
		if q < 0 {
			c = -1
		}
		r.Class = append(r.Class, c)
	}
	r.Wall = time.Since(start).Seconds()
	return r, nil
}

// overlaps returns m·x_i/sqrt(d) for the b rows of x.
func overlaps(x, m []float32, b, d int) []float64 {
	q := make([]float64, b)
	s := 1 / math.Sqrt(float64(d))
	for i := range b {
		var dot float64
		for j, v := range x[i*d : (i+1)*d] {
			dot += float64(v) * float64(m[j])
		}
		q[i] = dot * s
	}
	return q
}

// OverlapSeries returns q(t) of the first k trajectories as thin lines, named and coloured by
// their final class. Times t = 0 are dropped so that a log-t axis can show the
// collapse at small t.
func (r Regimes) OverlapSeries(k int) []nbplot.Series {
	var out []nbplot.Series
	for i := range min(k, len(r.Class)) {
		var xs, ys []float64
		for j, t := range r.T {
			if t > 0 {
				xs, ys = append(xs, t), append(ys, r.Q[j][i])
			}
		}
		out = append(out, nbplot.Series{Name: className(r.Class[i]), X: xs, Y: ys, Color: classColor(r.Class[i]), Thin: true})
	}
	return out
}

// PlaneSeries returns the paths (x_1(t), x_2(t)) of the first k trajectories in the plane
// as thin lines, named and coloured by their final class, the training points, and the end points; d must be 2.
func (r Regimes) PlaneSeries(k int) ([]nbplot.Series, error) {
	if r.Mix.D != 2 || len(r.X) == 0 {
		return nil, fmt.Errorf("experiment: PlaneSeries: needs d = 2 with kept states, got d = %d", r.Mix.D)
	}
	var out []nbplot.Series
	for i := range min(k, len(r.Class)) {
		var xs, ys []float64
		for _, st := range r.X {
			xs, ys = append(xs, float64(st[2*i])), append(ys, float64(st[2*i+1]))
		}
		out = append(out, nbplot.Series{Name: className(r.Class[i]), X: xs, Y: ys, Color: classColor(r.Class[i]), Thin: true})
	}
	var ax, ay, ex, ey []float64
	for mu := range r.N {
		ax, ay = append(ax, float64(r.Data[2*mu])), append(ay, float64(r.Data[2*mu+1]))
	}
	last := r.X[len(r.X)-1]
	for i := range len(r.Class) {
		ex, ey = append(ex, float64(last[2*i])), append(ey, float64(last[2*i+1]))
	}
	out = append(out, nbplot.Series{Name: "x(0), all trajectories", X: ex, Y: ey, Points: true},
		nbplot.Series{Name: "training points", X: ax, Y: ay, Points: true})
	return out, nil
}

// Commitment returns, at each recorded time, the fraction of trajectories whose sign of q
// already equals their final class (speciation, compare Commitment(m, t)), and the fraction
// whose nearest training point is already the one they end on (collapse), with standard errors.
func (r Regimes) Commitment() (class, classSE, point, pointSE []float64) {
	last := r.Nearest[len(r.Nearest)-1]
	b := float64(len(r.Class))
	for k := range r.T {
		var c, p float64
		for i, cl := range r.Class {
			if (r.Q[k][i] > 0) == (cl > 0) {
				c++
			}
			if r.Nearest[k][i] == last[i] {
				p++
			}
		}
		c, p = c/b, p/b
		class, classSE = append(class, c), append(classSE, math.Sqrt(c*(1-c)/b))
		point, pointSE = append(point, p), append(pointSE, math.Sqrt(p*(1-p)/b))
	}
	return class, classSE, point, pointSE
}

// CommitTime returns the largest t at which a commitment fraction (as from Commitment) reaches
// level, by numeric.Crossing: e.g. level ½ for the point commitment gives
// a measured collapse time to set against t_C of eq. (10).
func (r Regimes) CommitTime(frac []float64, level float64) (float64, error) {
	var ts, fs []float64
	for k := len(r.T) - 1; k >= 0; k-- {
		ts, fs = append(ts, r.T[k]), append(fs, frac[k])
	}
	return numeric.Crossing(ts, fs, level)
}

// LastChange returns the collapse-time estimates t̂_C of each trajectory, the last recorded
// time at which its nearest training point changed (nearest.LastChange, the estimator of
// Fig. 5), and their mean and standard error (the paper's t̄_C). The resolution is the
// recording interval.
func (r Regimes) LastChange() (each []float64, mean, se float64) {
	idx := make([][]int32, len(r.Nearest))
	for k, row := range r.Nearest {
		idx[k] = make([]int32, len(row))
		for i, v := range row {
			idx[k][i] = int32(v)
		}
	}
	each = nearest.LastChange(idx, r.T)
	mean, se = numeric.MeanSE(each)
	return each, mean, se
}
