package experiment

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/diffregimes/diffregimes/pkg/nbplot"
	"github.com/diffregimes/diffregimes/pkg/numeric"
	"github.com/diffregimes/diffregimes/pkg/rem"
)

// REMCurves holds the large-d free energies of the random energy model of SI C on a grid of t.
type REMCurves struct {
	Model      rem.Model
	T          []float64
	PsiPlus    []float64 // ψ_+(t), eq. (42) as corrected in package rem
	PsiMinus   []float64 // ψ_−(t), eq. (52) as corrected
	Annealed   []float64 // ψ_+^ann(t) of eq. (40), continued below t_cond
	TCond      float64   // t_cond of eq. (43) = t_C of eq. (10)
	TCondMinus float64   // condensation time of Z_−, eq. (51)
}

// REM evaluates ψ_+, ψ_− and the annealed ψ_+ of model at the times ts (all > 0).
func REM(model rem.Model, ts []float64) (REMCurves, error) {
	if err := model.Validate(); err != nil {
		return REMCurves{}, fmt.Errorf("experiment: REM: %w", err)
	}
	if len(ts) == 0 {
		return REMCurves{}, fmt.Errorf("experiment: REM: ts is empty")
	}
	for i, t := range ts {
		if !(t > 0) || math.IsInf(t, 0) {
			return REMCurves{}, fmt.Errorf("experiment: REM: time %d is %g, must be finite and > 0", i, t)
		}
	}
	c := REMCurves{Model: model, T: append([]float64(nil), ts...), TCond: model.CondensationTime(), TCondMinus: model.CondensationTimeMinus()}
	for _, t := range ts {
		c.PsiPlus = append(c.PsiPlus, model.PsiPlus(t))
		c.PsiMinus = append(c.PsiMinus, model.PsiMinus(t))
		c.Annealed = append(c.Annealed, model.PsiPlusAnnealed(t))
	}
	return c, nil
}

// Series returns ψ_+ (solid), ψ_− (dashed) and, when annealed is set, the annealed ψ_+
// continued below t_cond, labelled with α.
func (c REMCurves) Series(annealed bool) []nbplot.Series {
	a := c.Model.Alpha
	out := []nbplot.Series{
		{Name: fmt.Sprintf("ψ+ α=%g", a), X: c.T, Y: c.PsiPlus},
		{Name: fmt.Sprintf("ψ− α=%g", a), X: c.T, Y: c.PsiMinus, Dashed: true},
	}
	if annealed {
		out = append(out, nbplot.Series{Name: fmt.Sprintf("annealed ψ+ α=%g", a), X: c.T, Y: c.Annealed, Dashed: true})
	}
	return out
}

// REMPoint is the Monte Carlo estimate of (1/d) log Z at one (t, d): mean and standard error
// over independent instances.
type REMPoint struct {
	T           float64
	D           int
	Levels      int // levels per cluster, round(e^{αd})
	Reps        int
	LogZ1, SE1  float64 // (1/d) log Z_1 → −½
	LogZp, SEp  float64 // (1/d) log Z_+ → ψ_+(t)
	LogZm, SEm  float64 // (1/d) log Z_− → ψ_−(t)
	PsiPlus     float64 // the d → ∞ prediction ψ_+(t)
	PsiMinus    float64 // the d → ∞ prediction ψ_−(t)
	Dominant1   float64 // fraction of instances where Z_1 > Z_+ + Z_− (collapse on a¹)
	Dominant1SE float64
}

// REMOptions are the parameters of REMMonteCarlo.
type REMOptions struct {
	Times   []float64 // times t
	Ds      []int     // dimensions d
	Reps    int       // instances per (t, d), >= 2
	Typical bool      // rem.Model.SampleTypical instead of rem.Model.Sample
	Seed    uint64
}

// REMMonteCarlo draws o.Reps finite instances of the model (rem.Model.SampleTypical when
// o.Typical is set, rem.Model.Sample otherwise) at every t of o.Times and d of o.Ds, and
// returns the mean and standard error of (1/d) log Z_1, Z_+, Z_− with the d → ∞ predictions,
// and the fraction of instances in which Z_1 dominates (the memorization criterion of SI
// C.4). Seeded.
func REMMonteCarlo(model rem.Model, o REMOptions) ([]REMPoint, error) {
	ts, ds, reps, typical, seed := o.Times, o.Ds, o.Reps, o.Typical, o.Seed
	if err := model.Validate(); err != nil {
		return nil, fmt.Errorf("experiment: REMMonteCarlo: %w", err)
	}
	if reps < 2 {
		return nil, fmt.Errorf("experiment: REMMonteCarlo: Reps must be >= 2 for a standard error, got %d", reps)
	}
	if len(ts) == 0 || len(ds) == 0 {
		return nil, fmt.Errorf("experiment: REMMonteCarlo: Times and Ds must be non-empty (got %d, %d)", len(ts), len(ds))
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d))
	var out []REMPoint
	for _, t := range ts {
		for _, d := range ds {
			p := REMPoint{T: t, D: d, Reps: reps, PsiPlus: model.PsiPlus(t), PsiMinus: model.PsiMinus(t)}
			var z1, zp, zm, dom []float64
			for range reps {
				var s rem.Sample
				var err error
				if typical {
					s, err = model.SampleTypical(t, d, rng)
				} else {
					s, err = model.Sample(t, d, rng)
				}
				if err != nil {
					return nil, fmt.Errorf("experiment: REMMonteCarlo: t=%g d=%d: %w", t, d, err)
				}
				p.Levels = s.Levels
				z1, zp, zm = append(z1, s.LogZ1), append(zp, s.LogZp), append(zm, s.LogZm)
				b := 0.0
				if s.LogZ1 > logAddExp(s.LogZp, s.LogZm, d) {
					b = 1
				}
				dom = append(dom, b)
			}
			p.LogZ1, p.SE1 = numeric.MeanSE(z1)
			p.LogZp, p.SEp = numeric.MeanSE(zp)
			p.LogZm, p.SEm = numeric.MeanSE(zm)
			p.Dominant1, p.Dominant1SE = numeric.MeanSE(dom)
			out = append(out, p)
		}
	}
	return out, nil
}

// logAddExp returns (1/d) log(e^{d a} + e^{d b}) for per-variable log values a, b.
func logAddExp(a, b float64, d int) float64 {
	hi, lo := math.Max(a, b), math.Min(a, b)
	return hi + math.Log1p(math.Exp(float64(d)*(lo-hi)))/float64(d)
}

// FitLogDOverD fits y(d) = a + b log(d)/d by weighted least squares (weights 1/se²), the
// form of the leading finite-d correction of (1/d) log Z, and returns the extrapolated
// a = y(∞) with its standard error. At least 3 points with se > 0 are needed.
func FitLogDOverD(ds []int, y, se []float64) (a, aSE float64, err error) {
	if len(ds) != len(y) || len(y) != len(se) {
		return 0, 0, fmt.Errorf("experiment: FitLogDOverD: lengths differ (ds %d, y %d, se %d)", len(ds), len(y), len(se))
	}
	if len(ds) < 3 {
		return 0, 0, fmt.Errorf("experiment: FitLogDOverD: need >= 3 points, got %d", len(ds))
	}
	var s, sx, sxx, sy, sxy float64
	for i, d := range ds {
		if d < 2 || !(se[i] > 0) {
			return 0, 0, fmt.Errorf("experiment: FitLogDOverD: point %d has d=%d, se=%g (need d >= 2, se > 0)", i, d, se[i])
		}
		w := 1 / (se[i] * se[i])
		x := math.Log(float64(d)) / float64(d)
		s, sx, sxx, sy, sxy = s+w, sx+w*x, sxx+w*x*x, sy+w*y[i], sxy+w*x*y[i]
	}
	det := s*sxx - sx*sx
	if !(det > 1e-12*s*sxx) {
		return 0, 0, fmt.Errorf("experiment: FitLogDOverD: degenerate design (all d equal?)")
	}
	a = (sxx*sy - sx*sxy) / det
	return a, math.Sqrt(sxx / det), nil
}

// REMQuantity selects what REMSeries plots.
type REMQuantity int

const (
	LogZPlus   REMQuantity = iota // (1/d) log Z_+, to compare with ψ_+
	LogZMinus                     // (1/d) log Z_−, to compare with ψ_−
	Z1Dominant                    // fraction of instances where Z_1 dominates
)

// REMSeries returns one point series per dimension d (in the order first met) of the chosen
// quantity against t, with error bars of three standard errors.
func REMSeries(points []REMPoint, q REMQuantity) []nbplot.Series {
	var order []int
	byD := map[int]*nbplot.Series{}
	for _, p := range points {
		s, ok := byD[p.D]
		if !ok {
			s = &nbplot.Series{Name: fmt.Sprintf("d=%d", p.D), Points: true}
			byD[p.D] = s
			order = append(order, p.D)
		}
		y, se := p.LogZp, p.SEp
		switch q {
		case LogZMinus:
			y, se = p.LogZm, p.SEm
			s.Name = fmt.Sprintf("d=%d (Z−)", p.D)
		case Z1Dominant:
			y, se = p.Dominant1, p.Dominant1SE
		}
		s.X, s.Y, s.Err = append(s.X, p.T), append(s.Y, y), append(s.Err, 3*se)
	}
	out := make([]nbplot.Series, len(order))
	for i, d := range order {
		out[i] = *byD[d]
	}
	return out
}

// REMCollapseTimes returns, for each dimension d of points (sorted by t within each d), the
// finite-d collapse time: the largest t at which the measured (1/d) log Z_+ crosses −½
// (numeric.Crossing), to compare with t_cond of eq. (43). NaN where it does not cross.
func REMCollapseTimes(points []REMPoint) (ds []int, tc []float64) {
	for _, s := range REMSeries(points, LogZPlus) {
		var d int
		fmt.Sscanf(s.Name, "d=%d", &d)
		t, err := numeric.Crossing(s.X, s.Y, -0.5)
		if err != nil {
			t = math.NaN()
		}
		ds, tc = append(ds, d), append(tc, t)
	}
	return ds, tc
}

// REMExtrapolate fits (1/d) log Z_+ at time t (points with exactly that T) to a + b log(d)/d
// over d (FitLogDOverD) and returns the extrapolated a ± aSE and the prediction ψ_+(t).
func REMExtrapolate(points []REMPoint, t float64) (a, aSE, psi float64, err error) {
	var ds []int
	var y, se []float64
	for _, p := range points {
		if p.T == t {
			ds, y, se, psi = append(ds, p.D), append(y, p.LogZp), append(se, p.SEp), p.PsiPlus
		}
	}
	a, aSE, err = FitLogDOverD(ds, y, se)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("experiment: REMExtrapolate at t=%g: %w", t, err)
	}
	return a, aSE, psi, nil
}
