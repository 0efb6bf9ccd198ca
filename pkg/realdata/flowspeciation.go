package realdata

import (
	"fmt"
	"math"

	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/flow"
	"github.com/diffregimes/diffregimes/pkg/numeric"
	"github.com/diffregimes/diffregimes/pkg/roundtrip"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

// FlowOptions configure FlowSpeciation.
type FlowOptions struct {
	// Ratios are the noising times in units of the predicted t_S: t = r·t_S, r > 0, r·t_S <= T.
	Ratios []float64
	// Points is the number of training images noised per time (the training set cycled).
	Points int
	// SDE and ODE configure the two backward processes (both end with the noise-free
	// denoiser; ODE.T and ODE.L default to SDE's when zero).
	SDE sde.Config
	ODE flow.Config
	// Seed seeds the forward noise of eq. (1).
	Seed uint64
}

// FlowSpeciationResult is the forward-backward experiment of pkg/roundtrip on one training
// set: φ_U(t) = P(class of x(0) = class of a) with the SDE and with the probability-flow ODE.
type FlowSpeciationResult struct {
	// Label, N, D identify the experiment; Lambda and TS are Λ and t_S = ½ log Λ (eq. 4).
	Label      string
	N, D       int
	Lambda, TS float64
	// Times (increasing, on the processes' grid) and Ratios = Times/TS.
	Times, Ratios []float64
	// SDE and ODE are φ_U(t) with three standard errors, over Points noised images per time.
	SDE, ODE []clone.Estimate
	Points   int
	// SDECrossing and ODECrossing are the times where φ_U crosses clone.SpeciationLevel (NaN
	// when it does not within Times), with one standard error each (half the distance between
	// the crossings of φ_U ± 1 s.e.).
	SDECrossing, SDECrossErr, ODECrossing, ODECrossErr float64
}

// FlowSpeciation runs the forward-backward experiment (pkg/roundtrip) on the experiment's
// training images: each of Points images a is noised to x(t) with eq. (1) and run back to 0
// by the SDE of eq. (55) and by the probability-flow ODE (pkg/flow), both with the
// experiment's score; class labels a and x(0). For the SDE with the exact score, φ_U = φ of
// the cloning protocol (Figure 4); the ODE tests the paper's claim that the speciation
// criterion holds for flow-based sampling.
func FlowSpeciation(e *Experiment, class clone.ClassFunc, opt FlowOptions) (*FlowSpeciationResult, error) {
	switch {
	case e == nil:
		return nil, fmt.Errorf("realdata: FlowSpeciation: experiment is nil")
	case class == nil:
		return nil, fmt.Errorf("realdata: FlowSpeciation: class function is nil")
	case len(opt.Ratios) == 0:
		return nil, fmt.Errorf("realdata: FlowSpeciation: Ratios is empty")
	case opt.Points < 1:
		return nil, fmt.Errorf("realdata: FlowSpeciation: need Points >= 1, got %d", opt.Points)
	}
	in, err := e.Integrator(opt.SDE)
	if err != nil {
		return nil, err
	}
	ocfg := opt.ODE
	if ocfg.T == 0 {
		ocfg.T = in.Config().T
	}
	if ocfg.L == 0 {
		ocfg.L = in.Config().L
	}
	ocfg.FinalDenoise = true
	fl, err := flow.New(e.backend, e.Score, ocfg)
	if err != nil {
		return nil, err
	}
	T := min(in.Config().T, fl.Config().T)
	times := make([]float64, len(opt.Ratios))
	for i, r := range opt.Ratios {
		times[i] = r * e.TS
		if !(r > 0) || times[i] > T {
			return nil, fmt.Errorf("realdata: FlowSpeciation: Ratios[%d] = %g gives t = %g outside (0, T = %g]", i, r, times[i], T)
		}
	}
	d := e.D()
	a := make([]float32, opt.Points*d)
	for i := range opt.Points {
		copy(a[i*d:(i+1)*d], e.Data.X[(i%e.N())*d:])
	}
	ropt := roundtrip.Options{Times: times, Seed: opt.Seed, Classes: map[string]clone.ClassFunc{"phi": class}}
	rs, err := roundtrip.Run(roundtrip.SDE(in), a, opt.Points, ropt)
	if err != nil {
		return nil, fmt.Errorf("realdata: FlowSpeciation %s, SDE: %w", e.Label(), err)
	}
	ro, err := roundtrip.Run(roundtrip.ODE(fl), a, opt.Points, ropt)
	if err != nil {
		return nil, fmt.Errorf("realdata: FlowSpeciation %s, ODE: %w", e.Label(), err)
	}
	out := &FlowSpeciationResult{Label: e.Label(), N: e.N(), D: d, Lambda: e.Lambda, TS: e.TS, Points: opt.Points}
	for i := len(rs.Times) - 1; i >= 0; i-- { // increasing t
		out.Times = append(out.Times, rs.Times[i])
		out.Ratios = append(out.Ratios, rs.Times[i]/e.TS)
		out.SDE = append(out.SDE, rs.Same["phi"][i])
		out.ODE = append(out.ODE, ro.Same["phi"][i])
	}
	out.SDECrossing, out.SDECrossErr = crossing(out.Times, out.SDE)
	out.ODECrossing, out.ODECrossErr = crossing(out.Times, out.ODE)
	return out, nil
}

// crossing is the time where the estimates cross clone.SpeciationLevel and its standard
// error (crossingErr), NaN when there is none.
func crossing(ts []float64, phi []clone.Estimate) (float64, float64) {
	p := make([]float64, len(phi))
	for i, e := range phi {
		p[i] = e.P
	}
	t, err := numeric.Crossing(ts, p, clone.SpeciationLevel)
	if err != nil {
		t = math.NaN()
	}
	return t, crossingErr(ts, phi, clone.SpeciationLevel)
}

// Series returns x (t/t_S), y (φ_U) and error bars (3 s.e.) of the SDE and the ODE.
func (r *FlowSpeciationResult) Series() (x, sde, sdeErr, ode, odeErr []float64) {
	for i := range r.Times {
		x = append(x, r.Ratios[i])
		sde, sdeErr = append(sde, r.SDE[i].P), append(sdeErr, r.SDE[i].Err)
		ode, odeErr = append(ode, r.ODE[i].P), append(odeErr, r.ODE[i].Err)
	}
	return x, sde, sdeErr, ode, odeErr
}
