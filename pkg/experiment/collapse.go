package experiment

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/gomlx/compute"

	"github.com/diffregimes/diffregimes/pkg/entropy"
	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/nbplot"
	"github.com/diffregimes/diffregimes/pkg/numeric"
	"github.com/diffregimes/diffregimes/pkg/score"
)

// ExcessCurve is the empirical excess entropy density f^e(t) of one data set of the Gaussian
// mixture (Fig. 3), with its predictions.
type ExcessCurve struct {
	D, N, NPrime int
	Alpha        float64   // log(n)/d
	T            []float64 // increasing times
	Fe, Err      []float64 // f^e(t) (eqs. 56-57 via package entropy) and 3 standard errors
	Theory       []float64 // f(t) = α + ½ log(Δ_t/Γ_t), the d → ∞ curve (gmm.ExcessEntropy)
	Finite       []float64 // s^sep − s with the exact finite-d entropy of P_t (gmm.FiniteExcessEntropy)
	TC           float64   // t_C of eq. (10)
	Wall         float64   // seconds the estimation of f^e for this d took
}

// ExcessOptions are the parameters of ExcessSweep.
type ExcessOptions struct {
	Ds        []int     // dimensions d
	N         int       // training points, >= 2 (paper: 20 000)
	NPrime    int       // samples of P^e_t per time, >= 2 (paper: 250 000)
	Times     []float64 // distinct times > 0, any order
	Mu, Sigma float64   // μ̃ and σ of the mixture
	Seed      uint64    // the data of each d come from Seed+d, the samples from Seed
}

// ExcessSweep draws, for each d of o.Ds, o.N training points of the mixture (μ̃, σ) and
// estimates f^e(t) at o.Times from o.NPrime samples of P^e_t (package entropy, on backend b):
// the measurement of Fig. 3.
func ExcessSweep(b compute.Backend, o ExcessOptions) ([]ExcessCurve, error) {
	ds, n, nPrime, ts, mu, sigma, seed := o.Ds, o.N, o.NPrime, o.Times, o.Mu, o.Sigma, o.Seed
	switch {
	case b == nil:
		return nil, fmt.Errorf("experiment: ExcessSweep: backend is nil")
	case len(ds) == 0:
		return nil, fmt.Errorf("experiment: ExcessSweep: Ds is empty")
	case n < 2:
		return nil, fmt.Errorf("experiment: ExcessSweep: N must be >= 2, got %d", n)
	case nPrime < 2:
		return nil, fmt.Errorf("experiment: ExcessSweep: NPrime must be >= 2, got %d", nPrime)
	case len(ts) < 2:
		return nil, fmt.Errorf("experiment: ExcessSweep: need >= 2 times, got %d", len(ts))
	}
	sorted := append([]float64(nil), ts...)
	sort.Float64s(sorted)
	for i, t := range sorted {
		if !(t > 0) || math.IsInf(t, 0) || (i > 0 && t == sorted[i-1]) {
			return nil, fmt.Errorf("experiment: ExcessSweep: times must be distinct, finite and > 0, got %g", t)
		}
	}
	var out []ExcessCurve
	for _, d := range ds {
		m, err := gmm.NewMixture(d, mu, sigma)
		if err != nil {
			return nil, fmt.Errorf("experiment: ExcessSweep: %w", err)
		}
		a, _, err := m.Sample(n, gmm.NewRand(seed+uint64(d)))
		if err != nil {
			return nil, err
		}
		data, err := score.NewDataset(a, n, d, 0)
		if err != nil {
			return nil, fmt.Errorf("experiment: ExcessSweep: d=%d: %w", d, err)
		}
		est, err := entropy.New(b, data, 0, int64(seed))
		if err != nil {
			return nil, fmt.Errorf("experiment: ExcessSweep: d=%d: %w", d, err)
		}
		tc, _ := m.CollapseTime(n)
		start := time.Now()
		c := ExcessCurve{D: d, N: n, NPrime: nPrime, Alpha: math.Log(float64(n)) / float64(d), T: sorted, TC: tc}
		for _, t := range sorted {
			e, err := est.Excess(t, nPrime)
			if err != nil {
				return nil, fmt.Errorf("experiment: ExcessSweep: d=%d t=%g: %w", d, t, err)
			}
			c.Fe, c.Err = append(c.Fe, e.Value), append(c.Err, e.Err)
			c.Theory = append(c.Theory, m.ExcessEntropy(t, n))
			c.Finite = append(c.Finite, m.FiniteExcessEntropy(t, n))
		}
		c.Wall = time.Since(start).Seconds()
		out = append(out, c)
	}
	return out, nil
}

// Series returns f^e/α as points with their error bars (3 s.e.) and the theory f/α as a line,
// both in the colour of d.
func (c ExcessCurve) Series() []nbplot.Series {
	return []nbplot.Series{
		{Name: fmt.Sprintf("f^e/α d=%d", c.D), X: c.T, Y: numeric.Scaled(c.Fe, 1/c.Alpha), Err: numeric.Scaled(c.Err, 1/c.Alpha), Points: true, Color: dimColor(c.D)},
		{Name: fmt.Sprintf("f/α d=%d (theory)", c.D), X: c.T, Y: numeric.Scaled(c.Theory, 1/c.Alpha), Color: dimColor(c.D)},
	}
}

// CollapseRow is one line of the t_C table of Fig. 3.
type CollapseRow struct {
	D         int
	Alpha     float64
	Predicted float64 // t_C of eq. (10)
	Zero      float64 // largest t at which f^e is 0 within its error bar (entropy.CollapseTime; NaN if none)
	Midpoint  float64 // where f^e = log(2)/d, the middle of the finite-d crossover (NaN if none)
}

// CollapseTable estimates t_C for each curve two ways (see CollapseRow) next to eq. (10).
// "The largest time at which f^e(t) = 0" (main text after eq. 10) must be read within the
// error bar: f^e > 0 strictly at finite n, d. At t_C, Z_1 ≈ Z_+ in eq. (9), so
// f^e(t_C) ≈ log(2)/d at finite d: Midpoint is the estimator centred on the transition, while
// Zero sits below it by O(1/d) plus the width of the error bar.
func CollapseTable(curves []ExcessCurve) []CollapseRow {
	var rows []CollapseRow
	for _, c := range curves {
		r := CollapseRow{D: c.D, Alpha: c.Alpha, Predicted: c.TC, Zero: math.NaN(), Midpoint: math.NaN()}
		est := make([]entropy.Estimate, len(c.Fe))
		for i := range est {
			est[i] = entropy.Estimate{Value: c.Fe[i], Err: c.Err[i]}
		}
		if t, ok := entropy.CollapseTime(c.T, est); ok {
			r.Zero = t
		}
		if t, err := numeric.Crossing(c.T, c.Fe, math.Ln2/float64(c.D)); err == nil {
			r.Midpoint = t
		}
		rows = append(rows, r)
	}
	return rows
}
