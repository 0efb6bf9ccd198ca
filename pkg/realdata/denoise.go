package realdata

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/diffregimes/diffregimes/pkg/nearest"
	"github.com/diffregimes/diffregimes/pkg/score"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

// Denoise returns the noise-free last step from time t to 0,
//
//	x̂(0) = e^{t} (x + Δ_t F(x, t)),
//
// the posterior mean E[a | x(t) = x] (Tweedie). It is the DDPM sampler's last step, eq. (61)
// with z = 0 at t' = 1 (where 1 - ᾱ_1 = β_1), written with the score F = -ε_θ/sqrt(1-ᾱ) and
// t of eq. (59). For the exact empirical score it is the softmax-weighted mean of the
// training points, which sits on a_μ once a trajectory has collapsed. The integrator's own
// last Euler-Maruyama step instead adds noise of norm sqrt(2ηd) at t = 0 (7.2 for η = 0.025,
// d = 1024), which would hide the collapse in the final L2 distances of Figure 11.
func (e *Experiment) Denoise(x []float32, t float64) ([]float32, error) {
	if !(t > 0) || math.IsInf(t, 0) {
		return nil, fmt.Errorf("realdata: Denoise: time t must be > 0 and finite, got %g", t)
	}
	ev, err := score.NewEvaluator(e.backend, e.Score)
	if err != nil {
		return nil, err
	}
	f, err := ev.Eval(x, t)
	if err != nil {
		return nil, fmt.Errorf("realdata: Denoise: %w", err)
	}
	et, delta := math.Exp(t), -math.Expm1(-2*t)
	out := make([]float32, len(x))
	for i := range x {
		out[i] = float32(et * (float64(x[i]) + delta*float64(f[i])))
	}
	return out, nil
}

// run integrates b fresh trajectories from x_T to the last grid time t_{L-1} = η, optionally
// recording μ*(t_k) with the tracker, then takes the noise-free last step (Denoise).
func (e *Experiment) run(in *sde.Integrator, b int, tr *nearest.Tracker) (x0 []float32, index [][]int32, err error) {
	x, err := in.Start(b)
	if err != nil {
		return nil, nil, err
	}
	L := in.Config().L
	var obs []*tensors.Tensor
	if tr != nil {
		if err := e.Points.Attach(in.Store()); err != nil {
			return nil, nil, err
		}
		x, obs, err = in.RunObserved(x, 0, L-1, tr.Observer(e.Score))
	} else {
		x, err = in.Run(x, 0, L-1)
	}
	if err != nil {
		return nil, nil, err
	}
	for _, o := range obs {
		v, err := tensors.CopyFlatData[int32](o)
		if err != nil {
			return nil, nil, err
		}
		for s := range len(v) / b {
			index = append(index, v[s*b:(s+1)*b])
		}
	}
	xe, err := tensorsToFloat32(x)
	if err != nil {
		return nil, nil, err
	}
	if tr != nil {
		// μ*(t_{L-1}), the last observation before the final step.
		idx, _, err := tr.Nearest(xe, in.Time(L-1))
		if err != nil {
			return nil, nil, err
		}
		index = append(index, toInt32(idx))
	}
	x0, err = e.Denoise(xe, in.Time(L-1))
	return x0, index, err
}

func toInt32(v []int) []int32 {
	out := make([]int32, len(v))
	for i, x := range v {
		out[i] = int32(x)
	}
	return out
}

// Generate draws b samples x̂(0) (Figures 6-10): the backward dynamics of eq. (55) from
// x_T ~ N(0, I) down to t = η, then the noise-free last step (Denoise). Row-major [b, d], in
// the data's centred pixel scale.
func (e *Experiment) Generate(b int, cfg sde.Config) ([]float32, error) {
	in, err := e.Integrator(cfg)
	if err != nil {
		return nil, err
	}
	if in.Config().L < 2 {
		return nil, fmt.Errorf("realdata: Generate: need L >= 2 steps, got %d", in.Config().L)
	}
	x, _, err := e.run(in, b, nil)
	return x, err
}

// Track runs b trajectories recording the nearest training point μ*(t_k) at every grid time,
// and returns the tracks of package nearest with x(0) from the noise-free last step: the
// index rows are t_0 = T, …, t_{L-1} = η and 0, LastChange the t̂_C of each trajectory (Fig. 5),
// Final and FinalDist μ*(0) and |x̂(0) - a_μ*|.
func (e *Experiment) Track(b int, cfg sde.Config) (*nearest.Tracks, error) {
	in, err := e.Integrator(cfg)
	if err != nil {
		return nil, err
	}
	L := in.Config().L
	if L < 2 {
		return nil, fmt.Errorf("realdata: Track: need L >= 2 steps, got %d", L)
	}
	tr, err := nearest.New(e.backend, e.Points)
	if err != nil {
		return nil, err
	}
	x0, index, err := e.run(in, b, tr)
	if err != nil {
		return nil, err
	}
	tk := &nearest.Tracks{X: x0}
	for k := 0; k < L; k++ {
		tk.Times = append(tk.Times, in.Time(k))
	}
	tk.Times = append(tk.Times, 0)
	if tk.Final, tk.FinalDist, err = tr.Nearest(x0, 0); err != nil {
		return nil, err
	}
	index = append(index, toInt32(tk.Final))
	if len(index) != len(tk.Times) {
		return nil, fmt.Errorf("realdata: Track: %d index rows for %d times", len(index), len(tk.Times))
	}
	tk.Index = index
	tk.LastChange = nearest.LastChange(index, tk.Times)
	return tk, nil
}
