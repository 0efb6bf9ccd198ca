package realdata

import (
	"fmt"
	"math"

	"github.com/diffregimes/diffregimes/pkg/classifier"
	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/numeric"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

// SpeciationOptions configure Speciation.
type SpeciationOptions struct {
	// Ratios are the cloning times in units of the predicted t_S: t = r·t_S, r > 0, r·t_S <= T.
	Ratios []float64
	// Pairs is the number of clone pairs per time (the paper averages over many).
	Pairs int
	// DDPMPairs, when > 0, replaces Pairs for route (b): a step of the trained U-Net costs far
	// more than one of the exact empirical score on CPU.
	DDPMPairs int
	// Batch is the number of clone pairs per integrator call (0: clone's default; route (b):
	// all pairs, each step one U-Net call on the pairs and their copies at every cloning time).
	Batch int
	// SDE is the backward integrator's configuration (T, L, K, seed).
	SDE sde.Config
}

// SpeciationResult is one series of Figure 4.
type SpeciationResult struct {
	// Label, Route, N, D identify the experiment.
	Label, Route string
	N, D         int
	// Lambda and TS are Λ and the predicted t_S = 1/2 log Λ.
	Lambda, TS float64
	// Times are the cloning times on the integrator's grid (decreasing) and Ratios = Times/TS.
	Times, Ratios []float64
	// Phi is φ(t) with three standard errors.
	Phi []clone.Estimate
	// Pairs is the number of clone pairs per time.
	Pairs int
	// TSMeasured is the time where φ crosses clone.SpeciationLevel (NaN when it does not within Times), and
	// TSErr one standard error of it: half the distance between the crossings of φ ± 1 s.e.
	// (NaN when either does not cross).
	TSMeasured, TSErr float64
	// RatioAt2 is the cloning ratio t/t_S closest to 2 (within 5%, else NaN) and PhiAt2 φ there:
	// φ(2 t_S) should be ½ (the clones' classes independent) within its error.
	RatioAt2 float64
	PhiAt2   clone.Estimate
	// Model is route (b)'s provenance (nil for route a).
	Model *Provenance
}

// ClassFunc adapts a classifier to the cloning protocol: the class of each point x(0).
func ClassFunc(c *classifier.Classifier) clone.ClassFunc {
	return func(x []float32, b, d int) ([]int, error) {
		if d != c.Config.Dim() {
			return nil, fmt.Errorf("realdata: classifier takes d = %d, points have d = %d", c.Config.Dim(), d)
		}
		return c.Predict(x[:b*d])
	}
}

// Speciation runs the cloning protocol of Figure 4 for the experiment: φ(t) is the fraction
// of clone pairs (cloned at t, finished independently to t = 0) to which class gives the same
// label.
func Speciation(e *Experiment, class clone.ClassFunc, opt SpeciationOptions) (*SpeciationResult, error) {
	if e == nil {
		return nil, fmt.Errorf("realdata: Speciation: experiment is nil")
	}
	if class == nil {
		return nil, fmt.Errorf("realdata: Speciation: class function is nil")
	}
	if len(opt.Ratios) == 0 {
		return nil, fmt.Errorf("realdata: Speciation: Ratios is empty")
	}
	if e.Route == RouteDDPM && opt.DDPMPairs > 0 {
		opt.Pairs = opt.DDPMPairs
	}
	in, err := e.Integrator(stackedConfig(e, opt.SDE))
	if err != nil {
		return nil, err
	}
	T := in.Config().T
	times := make([]float64, len(opt.Ratios))
	for i, r := range opt.Ratios {
		times[i] = r * e.TS
		if !(r > 0) || times[i] > T {
			return nil, fmt.Errorf("realdata: Speciation: Ratios[%d] = %g gives t = %g outside (0, T = %g]", i, r, times[i], T)
		}
	}
	classes := map[string]clone.ClassFunc{"phi": class}
	var res *clone.Result
	if e.Route == RouteDDPM {
		// One U-Net call per step for all clone pairs and all cloning times (runStacked).
		res, err = stackedClone(e, in, times, opt.Pairs, opt.Batch, classes)
	} else {
		res, err = clone.Run(in, clone.Options{Times: times, Pairs: opt.Pairs, Batch: opt.Batch, Classes: classes})
	}
	if err != nil {
		return nil, fmt.Errorf("realdata: Speciation %s: %w", e.Label(), err)
	}
	out := &SpeciationResult{Label: e.Label(), Route: e.Route, N: e.N(), D: e.D(), Lambda: e.Lambda, TS: e.TS,
		Times: res.Times, Phi: res.Same["phi"], Pairs: res.Pairs, Model: e.Model}
	for _, t := range out.Times {
		out.Ratios = append(out.Ratios, t/e.TS)
	}
	out.TSMeasured, out.TSErr = crossing(out.Times, out.Phi)
	out.RatioAt2, out.PhiAt2 = math.NaN(), clone.Estimate{P: math.NaN(), Err: math.NaN()}
	for i, r := range out.Ratios {
		if math.Abs(r-2) <= 0.1 && (math.IsNaN(out.RatioAt2) || math.Abs(r-2) < math.Abs(out.RatioAt2-2)) {
			out.RatioAt2, out.PhiAt2 = r, out.Phi[i]
		}
	}
	return out, nil
}

// Series returns the x (t/t_S), y (φ) and error-bar (3 s.e.) columns of the result.
func (r *SpeciationResult) Series() (x, y, err []float64) {
	for i, est := range r.Phi {
		x = append(x, r.Ratios[i])
		y = append(y, est.P)
		err = append(err, est.Err)
	}
	return x, y, err
}

// crossingErr is one standard error of the time where the estimates φ(t) cross level: half
// the distance between the crossings of φ + 1 s.e. and φ - 1 s.e. (clone.Estimate.Err is three
// standard errors), NaN when either does not cross.
func crossingErr(ts []float64, phi []clone.Estimate, level float64) float64 {
	lo, hi := make([]float64, len(phi)), make([]float64, len(phi))
	for i, e := range phi {
		lo[i], hi[i] = e.P-e.Err/3, e.P+e.Err/3
	}
	a, errA := numeric.Crossing(ts, lo, level)
	b, errB := numeric.Crossing(ts, hi, level)
	if errA != nil || errB != nil {
		return math.NaN()
	}
	return math.Abs(a-b) / 2
}

// PhiAt2Deviation is (φ(2 t_S) - ½) in standard errors of φ(2 t_S) (NaN when not measured or
// when the error is zero).
func (r *SpeciationResult) PhiAt2Deviation() float64 {
	se := r.PhiAt2.Err / 3
	if math.IsNaN(r.PhiAt2.P) || !(se > 0) {
		return math.NaN()
	}
	return (r.PhiAt2.P - 0.5) / se
}
