package realdata

import (
	"cmp"
	"fmt"
	"math"

	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/entropy"
	"github.com/diffregimes/diffregimes/pkg/nearest"
	"github.com/diffregimes/diffregimes/pkg/numeric"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

// ZeroLevel is the value of f^e/α at which Collapse reads the collapse time (with
// entropy.CollapseTimeAt), log(2)/log(n):
// f^e = log(2)/d is where the own-point term Z_1 of the sum in eq. (57) equals all the
// others together (the midpoint of the finite-d crossover of eq. 9), whereas f^e itself decays
// to zero from above and, without noise, never crosses it.
func ZeroLevel(n int) float64 { return math.Log(2) / math.Log(float64(n)) }

// CollapseOptions configure Collapse. A zero count skips that part of the experiment.
type CollapseOptions struct {
	// Times are the cloning times of φ_C(t).
	Times []float64
	// Pairs is the number of clone pairs per cloning time.
	Pairs int
	// Samples is the number of tracked trajectories for the t̂_C histogram (paper: 4 000).
	Samples int
	// DDPMPairs and DDPMSamples, when > 0, replace Pairs and Samples for route (b), whose U-Net
	// steps cost far more on CPU than those of the exact empirical score.
	DDPMPairs, DDPMSamples int
	// EntropyTimes are the times of f^e(t) (entropy.Estimator.ExcessCV); EntropySamples is n'
	// (paper: 400 000, with the plain estimator).
	EntropyTimes   []float64
	EntropySamples int
	// ZeroTol is the level of f^e/α read as its zero (0: ZeroLevel(n)).
	ZeroTol float64
	// Batch is the number of trajectories per integrator call (0: default).
	Batch int
	// SDE is the backward integrator's configuration; Seed also seeds the entropy samples.
	SDE sde.Config
}

// CollapseResult holds the three panels of Figure 5 for one experiment and its three
// estimates of t_C.
type CollapseResult struct {
	// Label, Route, N, D, Alpha identify the experiment; Alpha = log(n)/d.
	Label, Route string
	N, D         int
	Alpha        float64
	// Times and PhiC are φ_C(t) (three standard errors) at the cloning times (decreasing).
	Times []float64
	PhiC  []clone.Estimate
	// Pairs is the number of clone pairs per time.
	Pairs int
	// LastChange are the t̂_C of the tracked trajectories; TCBar their mean t̄_C and TCBarErr
	// three standard errors of it.
	LastChange      []float64
	TCBar, TCBarErr float64
	// Final is μ*(0) and FinalDist |x(0) - a_μ*| of each tracked trajectory; X their x(0).
	Final     []int
	FinalDist []float64
	X         []float32
	// EntropyTimes and FeOverAlpha are f^e(t)/α with three standard errors.
	EntropyTimes []float64
	FeOverAlpha  []entropy.Estimate
	// TCPhiC is where φ_C crosses 1/2; TCEntropy where f^e/α falls to ZeroTol (NaN if not
	// reached within the times given).
	TCPhiC, TCEntropy float64
	ZeroTol           float64
	// Copies is the fraction of the tracked samples x̂(0) that are copies of a training image
	// (CopyThreshold, arXiv 2505.17638); nil without tracked samples.
	Copies *CopyStats
	// Model is route (b)'s provenance (nil for route a).
	Model *Provenance
}

// Collapse runs the three collapse measurements of Figure 5 for the experiment: the cloning
// protocol with nearest-training-point labels (φ_C), the tracking of μ*(t) along Samples
// trajectories (t̂_C, t̄_C) and the excess entropy (f^e/α, its zero).
func Collapse(e *Experiment, opt CollapseOptions) (*CollapseResult, error) {
	if e == nil {
		return nil, fmt.Errorf("realdata: Collapse: experiment is nil")
	}
	if opt.ZeroTol == 0 {
		opt.ZeroTol = ZeroLevel(e.N())
	}
	if e.Route == RouteDDPM {
		opt.Pairs = cmp.Or(opt.DDPMPairs, opt.Pairs)
		opt.Samples = cmp.Or(opt.DDPMSamples, opt.Samples)
	}
	r := &CollapseResult{Label: e.Label(), Route: e.Route, N: e.N(), D: e.D(), Alpha: e.Alpha,
		TCBar: math.NaN(), TCBarErr: math.NaN(), TCPhiC: math.NaN(), TCEntropy: math.NaN(), ZeroTol: opt.ZeroTol}
	tr, err := nearest.New(e.backend, e.Points)
	if err != nil {
		return nil, err
	}
	if e.Route == RouteDDPM {
		err = collapseStacked(e, tr, opt, r)
	} else {
		err = collapseSeparate(e, tr, opt, r)
	}
	if err != nil {
		return nil, err
	}
	r.Model = e.Model
	if len(r.Final) > 0 {
		if r.Copies, err = e.Copies(r.X); err != nil {
			return nil, fmt.Errorf("realdata: Collapse %s: copies: %w", e.Label(), err)
		}
	}
	if opt.EntropySamples > 0 && len(opt.EntropyTimes) > 0 {
		// The control-variate estimator: same expectation as eqs. (56-57), far smaller bars.
		est, err := entropy.New(e.backend, e.Points, 512, opt.SDE.Seed)
		if err != nil {
			return nil, err
		}
		r.EntropyTimes = append([]float64(nil), opt.EntropyTimes...)
		values := make([]entropy.Estimate, len(r.EntropyTimes)) // f^e/α without its error bar
		for i, t := range r.EntropyTimes {
			f, err := est.ExcessCV(t, opt.EntropySamples)
			if err != nil {
				return nil, fmt.Errorf("realdata: Collapse %s: f^e: %w", e.Label(), err)
			}
			r.FeOverAlpha = append(r.FeOverAlpha, entropy.Estimate{Value: f.Value / e.Alpha, Err: f.Err / e.Alpha})
			values[i].Value = f.Value / e.Alpha
		}
		// f^e decays to zero from above and, estimated without noise, never crosses it: its
		// "largest zero" (Fig. 5, bottom) is read where the values fall to ZeroTol.
		r.TCEntropy, _ = entropy.CollapseTimeAt(r.EntropyTimes, values, opt.ZeroTol)
	}
	return r, nil
}

// PhiCSeries returns the t, φ_C and error-bar columns.
func (r *CollapseResult) PhiCSeries() (x, y, err []float64) {
	for i, est := range r.PhiC {
		x, y, err = append(x, r.Times[i]), append(y, est.P), append(err, est.Err)
	}
	return x, y, err
}

// EntropySeries returns the t, f^e/α and error-bar columns.
func (r *CollapseResult) EntropySeries() (x, y, err []float64) {
	for i, est := range r.FeOverAlpha {
		x, y, err = append(x, r.EntropyTimes[i]), append(y, est.Value), append(err, est.Err)
	}
	return x, y, err
}

// collapseSeparate measures φ_C (clone.Run) and tracks μ*(t) (Track) in separate runs: route
// (a), whose score costs the same per trajectory however the trajectories are grouped.
func collapseSeparate(e *Experiment, tr *nearest.Tracker, opt CollapseOptions, r *CollapseResult) error {
	if opt.Pairs > 0 && len(opt.Times) > 0 {
		in, err := e.Integrator(opt.SDE)
		if err != nil {
			return err
		}
		res, err := clone.Run(in, clone.Options{Times: opt.Times, Pairs: opt.Pairs, Batch: opt.Batch,
			Classes: map[string]clone.ClassFunc{"phi_C": tr.ClassFunc()}})
		if err != nil {
			return fmt.Errorf("realdata: Collapse %s: φ_C: %w", e.Label(), err)
		}
		r.setPhiC(res)
	}
	if opt.Samples > 0 {
		cfg := opt.SDE
		cfg.Seed++ // trajectories independent of the cloning run's
		batch := opt.Batch
		if batch <= 0 {
			batch = min(opt.Samples, 1024)
		}
		for done := 0; done < opt.Samples; done += batch {
			cfg.Seed++
			tk, err := e.Track(min(batch, opt.Samples-done), cfg)
			if err != nil {
				return fmt.Errorf("realdata: Collapse %s: tracking μ*(t): %w", e.Label(), err)
			}
			r.addTracks(tk, len(tk.Final))
		}
		r.TCBar, r.TCBarErr = meanErr3(r.LastChange)
	}
	return nil
}

// collapseStacked measures φ_C and tracks μ*(t) in one stacked run (runStacked): the tracked
// trajectories are the trunks of the clone pairs (max(Pairs, Samples) of them), so each step
// is one U-Net call on the trunks and all their copies. The two estimates of t_C then share
// trajectories (each is unbiased; they are correlated).
func collapseStacked(e *Experiment, tr *nearest.Tracker, opt CollapseOptions, r *CollapseResult) error {
	pairs := opt.Pairs
	if len(opt.Times) == 0 {
		pairs = 0
	}
	trunk := max(pairs, opt.Samples)
	if trunk == 0 {
		return nil
	}
	in, err := e.Integrator(stackedConfig(e, opt.SDE))
	if err != nil {
		return err
	}
	var steps []int
	if pairs > 0 {
		if steps, err = cloneSteps(in, opt.Times); err != nil {
			return fmt.Errorf("realdata: Collapse %s: φ_C: %w", e.Label(), err)
		}
	}
	batch := opt.Batch
	if batch <= 0 {
		batch = stackedBatch(trunk, len(steps))
	}
	same := map[string][]int{"phi_C": make([]int, len(steps))}
	classes := map[string]clone.ClassFunc{"phi_C": tr.ClassFunc()}
	d := e.D()
	donePairs := 0
	for done := 0; done < trunk; done += batch {
		b := min(batch, trunk-done)
		p := min(b, max(0, pairs-donePairs))
		st, err := runStacked(e, in, b, p, steps, opt.Samples > 0)
		if err != nil {
			return fmt.Errorf("realdata: Collapse %s: %w", e.Label(), err)
		}
		if p > 0 {
			if err := countSame(st, []string{"phi_C"}, classes, d, same); err != nil {
				return err
			}
			donePairs += p
		}
		if opt.Samples > 0 && len(r.LastChange) < opt.Samples {
			tk, err := tracksOf(st, tr, d)
			if err != nil {
				return fmt.Errorf("realdata: Collapse %s: tracking μ*(t): %w", e.Label(), err)
			}
			r.addTracks(tk, min(b, opt.Samples-len(r.LastChange)))
		}
	}
	if pairs > 0 {
		r.setPhiC(cloneResult(in, steps, []string{"phi_C"}, same, pairs))
	}
	if opt.Samples > 0 {
		r.TCBar, r.TCBarErr = meanErr3(r.LastChange)
	}
	return nil
}

func (r *CollapseResult) setPhiC(res *clone.Result) {
	r.Times, r.PhiC, r.Pairs = res.Times, res.Same["phi_C"], res.Pairs
	p := make([]float64, len(r.PhiC))
	for i, est := range r.PhiC {
		p[i] = est.P
	}
	r.TCPhiC, _ = numeric.Crossing(r.Times, p, 0.5)
}

// addTracks appends the first k tracked trajectories of tk.
func (r *CollapseResult) addTracks(tk *nearest.Tracks, k int) {
	d := len(tk.X) / max(1, len(tk.Final))
	r.LastChange = append(r.LastChange, tk.LastChange[:k]...)
	r.Final = append(r.Final, tk.Final[:k]...)
	r.FinalDist = append(r.FinalDist, tk.FinalDist[:k]...)
	r.X = append(r.X, tk.X[:k*d]...)
}

// meanErr3 returns the mean of v and three standard errors of it (numeric.MeanSE).
func meanErr3(v []float64) (mean, err3 float64) {
	m, se := numeric.MeanSE(v)
	return m, 3 * se
}
