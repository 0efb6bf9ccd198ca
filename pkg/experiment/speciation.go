package experiment

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/gomlx/compute"
	"gonum.org/v1/gonum/stat"

	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/nbplot"
	"github.com/diffregimes/diffregimes/pkg/score"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

// PhiCurve is φ(t) of one dimension d against x = t/t_S: the cloning estimate and eq. (6).
type PhiCurve struct {
	D      int
	TS     float64   // t_S = ½ log(d μ̃²)
	Pairs  int       // clone pairs per point
	X      []float64 // t/t_S, increasing
	Phi    []float64 // measured φ
	Err    []float64 // its error bar, 3 standard errors
	Theory []float64 // eq. (6) at the same times
	Wall   float64   // seconds the measurement of this d took
}

// PhiOptions are the parameters of PhiSweep.
type PhiOptions struct {
	Ds        []int      // dimensions d
	Ratios    []float64  // cloning times as x = t/t_S
	Pairs     int        // clone pairs per time, >= 2 (paper: 10 000)
	SDE       sde.Config // T and L (paper: T = 10, L = 1000); Seed is offset by d
	Mu, Sigma float64    // μ̃ and σ of the mixture
}

// PhiSweep runs the cloning experiment of Fig. 2 (SI D.1) for each d of o.Ds: backward
// trajectories of eq. (55) with the exact mixture score of eq. (54) (m = μ̃(1, ..., 1), σ),
// T and L from o.SDE, cloned at the times t = x t_S for x in o.Ratios (those in (0, T];
// rounded to the step grid), o.Pairs clone pairs each, classes sign(m·x(0)). o.SDE.Seed is
// offset by d so each dimension has its own noise stream.
func PhiSweep(b compute.Backend, o PhiOptions) ([]PhiCurve, error) {
	ds, xs, pairs, cfg, mu, sigma := o.Ds, o.Ratios, o.Pairs, o.SDE, o.Mu, o.Sigma
	switch {
	case b == nil:
		return nil, fmt.Errorf("experiment: PhiSweep: backend is nil")
	case len(ds) == 0 || len(xs) == 0:
		return nil, fmt.Errorf("experiment: PhiSweep: Ds and Ratios must be non-empty (got %d, %d)", len(ds), len(xs))
	case pairs < 2:
		return nil, fmt.Errorf("experiment: PhiSweep: Pairs must be >= 2, got %d", pairs)
	}
	var out []PhiCurve
	for _, d := range ds {
		m, err := gmm.NewMixture(d, mu, sigma)
		if err != nil {
			return nil, fmt.Errorf("experiment: PhiSweep: %w", err)
		}
		tS := m.SpeciationTime()
		if !(tS > 0) {
			return nil, fmt.Errorf("experiment: PhiSweep: d=%d: t_S = %g <= 0 (need d μ̃² > 1)", d, tS)
		}
		centre := m.Centre()
		sc, err := score.NewMixture(centre, sigma)
		if err != nil {
			return nil, fmt.Errorf("experiment: PhiSweep: %w", err)
		}
		c := cfg
		c.Seed = cfg.Seed + int64(d)
		in, err := sde.New(b, sc, c)
		if err != nil {
			return nil, fmt.Errorf("experiment: PhiSweep: d=%d: %w", d, err)
		}
		var ts []float64
		for _, x := range xs {
			if t := x * tS; t > 0 && t <= in.Config().T {
				ts = append(ts, t)
			}
		}
		if len(ts) == 0 {
			return nil, fmt.Errorf("experiment: PhiSweep: d=%d: no cloning time x t_S in (0, T = %g]", d, in.Config().T)
		}
		start := time.Now()
		res, err := clone.Run(in, clone.Options{Times: ts, Pairs: pairs, Classes: map[string]clone.ClassFunc{"phi": clone.SignClass(centre)}})
		if err != nil {
			return nil, fmt.Errorf("experiment: PhiSweep: d=%d: %w", d, err)
		}
		pc := PhiCurve{D: d, TS: tS, Pairs: pairs, Wall: time.Since(start).Seconds()}
		for i := len(res.Times) - 1; i >= 0; i-- { // res.Times decrease
			t, e := res.Times[i], res.Same["phi"][i]
			pc.X, pc.Phi, pc.Err = append(pc.X, t/tS), append(pc.Phi, e.P), append(pc.Err, e.Err)
			pc.Theory = append(pc.Theory, m.Phi(t))
		}
		out = append(out, pc)
	}
	return out, nil
}

// TheoryPhiCurve returns φ of eq. (6) for dimension d at x = t/t_S (no measurement): the
// solid lines of Fig. 2.
func TheoryPhiCurve(d int, mu, sigma float64, xs []float64) (PhiCurve, error) {
	m, err := gmm.NewMixture(d, mu, sigma)
	if err != nil {
		return PhiCurve{}, fmt.Errorf("experiment: TheoryPhiCurve: %w", err)
	}
	pc := PhiCurve{D: d, TS: m.SpeciationTime(), X: append([]float64(nil), xs...)}
	for _, x := range xs {
		p := m.Phi(x * pc.TS)
		pc.Phi, pc.Theory, pc.Err = append(pc.Phi, p), append(pc.Theory, p), append(pc.Err, 0)
	}
	return pc, nil
}

// Series returns the measured points with their error bars, named and coloured by d.
func (c PhiCurve) Series() nbplot.Series {
	return nbplot.Series{Name: fmt.Sprintf("d=%d", c.D), X: c.X, Y: c.Phi, Err: c.Err, Points: true, Color: dimColor(c.D)}
}

// Line returns the curve as a line (for the eq. (6) curves), named and coloured by d (the
// colour of Series for the same d).
func (c PhiCurve) Line() nbplot.Series {
	return nbplot.Series{Name: fmt.Sprintf("eq. (6) d=%d", c.D), X: c.X, Y: c.Theory, Color: dimColor(c.D)}
}

// Crossing is the finite-size crossing estimate of the φ curves (Fig. 2 and its text: "the
// crossing point of the curves for different d").
type Crossing struct {
	X, XErr     float64 // t/t_S at the crossing, mean over pairs of consecutive d, and its bootstrap s.e.
	Phi, PhiErr float64 // φ there
	PairX       []float64
	PairPhi     []float64
}

// PhiCrossing locates where the curves of consecutive dimensions (sorted by d) cross: for each
// pair, the sign change from + to − of φ_{larger d} − φ_{smaller d} (larger d is above the
// smaller below t_S and below it after), on the union of their x grids with linear
// interpolation, inside the transition window (see CrossWindowLo), the largest jump if noise
// makes several. It returns
// the mean over pairs and, with boots > 0, the bootstrap standard error from boots redraws of
// every point within its error bar (Err/3 = one s.e.). Seeded. Needs >= 2 curves.
func PhiCrossing(curves []PhiCurve, boots int, seed uint64) (Crossing, error) {
	if len(curves) < 2 {
		return Crossing{}, fmt.Errorf("experiment: PhiCrossing: need >= 2 curves, got %d", len(curves))
	}
	cs := append([]PhiCurve(nil), curves...)
	sort.Slice(cs, func(i, j int) bool { return cs[i].D < cs[j].D })
	cr, err := crossings(cs, func(c PhiCurve) []float64 { return c.Phi })
	if err != nil {
		return Crossing{}, err
	}
	cr.X, cr.Phi = stat.Mean(cr.PairX, nil), stat.Mean(cr.PairPhi, nil)
	if boots > 0 {
		rng := gmm.NewRand(seed)
		var bx, bp []float64
		for range boots {
			b, err := crossings(cs, func(c PhiCurve) []float64 {
				y := make([]float64, len(c.Phi))
				for i := range y {
					y[i] = c.Phi[i] + c.Err[i]/3*rng.NormFloat64()
				}
				return y
			})
			if err != nil {
				continue // a redraw without a crossing carries no estimate
			}
			bx, bp = append(bx, stat.Mean(b.PairX, nil)), append(bp, stat.Mean(b.PairPhi, nil))
		}
		if len(bx) < 2 {
			return Crossing{}, fmt.Errorf("experiment: PhiCrossing: fewer than 2 of %d bootstrap redraws cross", boots)
		}
		cr.XErr, cr.PhiErr = stat.StdDev(bx, nil), stat.StdDev(bp, nil)
	}
	return cr, nil
}

func crossings(cs []PhiCurve, ys func(PhiCurve) []float64) (Crossing, error) {
	var cr Crossing
	for k := 1; k < len(cs); k++ {
		lo, hi := cs[k-1], cs[k]
		ylo, yhi := ys(lo), ys(hi)
		grid := unionGrid(lo.X, hi.X)
		best, bx, bp := -1.0, 0.0, 0.0
		for i := 1; i < len(grid); i++ {
			x0, x1 := grid[i-1], grid[i]
			g0 := interp(hi.X, yhi, x0) - interp(lo.X, ylo, x0)
			g1 := interp(hi.X, yhi, x1) - interp(lo.X, ylo, x1)
			if !(g0 > 0 && g1 <= 0) || g0-g1 <= best {
				continue
			}
			if !inWindow(interp(lo.X, ylo, x0), interp(hi.X, yhi, x0)) || !inWindow(interp(lo.X, ylo, x1), interp(hi.X, yhi, x1)) {
				continue
			}
			best = g0 - g1
			bx = x0 + (x1-x0)*g0/(g0-g1)
			bp = interp(lo.X, ylo, bx)
		}
		if best < 0 {
			return cr, fmt.Errorf("experiment: PhiCrossing: curves d=%d and d=%d do not cross", lo.D, hi.D)
		}
		cr.PairX, cr.PairPhi = append(cr.PairX, bx), append(cr.PairPhi, bp)
	}
	return cr, nil
}

// The crossing is searched where the curves are in their transition, mean φ in
// [CrossWindowLo, CrossWindowHi]: in the tails every curve is ≈ 1 or ≈ ½, their difference is
// smaller than the sampling noise and its sign changes carry no information.
const (
	CrossWindowLo = 0.6
	CrossWindowHi = 0.95
)

func inWindow(a, b float64) bool {
	m := 0.5 * (a + b)
	return m >= CrossWindowLo && m <= CrossWindowHi
}

// unionGrid returns the sorted distinct points of a and b inside both of their ranges.
func unionGrid(a, b []float64) []float64 {
	lo, hi := math.Max(a[0], b[0]), math.Min(a[len(a)-1], b[len(b)-1])
	var g []float64
	for _, x := range append(append([]float64(nil), a...), b...) {
		if x >= lo && x <= hi {
			g = append(g, x)
		}
	}
	sort.Float64s(g)
	out := g[:0]
	for i, x := range g {
		if i == 0 || x != g[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// interp evaluates the piecewise-linear curve (xs increasing) at x inside its range.
func interp(xs, ys []float64, x float64) float64 {
	i := sort.SearchFloat64s(xs, x)
	switch {
	case i < len(xs) && xs[i] == x:
		return ys[i]
	case i == 0:
		return ys[0]
	case i == len(xs):
		return ys[len(ys)-1]
	}
	w := (x - xs[i-1]) / (xs[i] - xs[i-1])
	return ys[i-1] + w*(ys[i]-ys[i-1])
}
