package realdata

import (
	"fmt"
	"slices"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/nearest"
	"github.com/diffregimes/diffregimes/pkg/score"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

// stacked is the outcome of runStacked.
type stacked struct {
	trunk, pairs int
	// steps are the cloning steps (increasing, i.e. decreasing times).
	steps []int
	// x holds the final states x̂(0), row-major: the trunk rows, then pairs rows per cloning
	// step (the clones of trunk rows 0..pairs-1 made at that step).
	x []float32
	// index[k][i] is μ*(t_k) of trunk row i, k = 0..L (row L: μ*(0)), when tracked.
	index [][]int32
	// times are t_k, k = 0..L (times[L] = 0).
	times []float64
}

// clones returns the final states of the copies cloned at steps[i] (pairs rows).
func (s *stacked) clones(i, d int) []float32 {
	off := (s.trunk + i*s.pairs) * d
	return s.x[off : off+s.pairs*d]
}

// runStacked runs, through one integrator, trunk backward trajectories from x_T ~ N(0, I)
// to t = 0 and, for each cloning step in steps, a copy of the first pairs trunk rows made at
// that step and finished with its own noise: the cloning protocol of clone.Run (the trunk's
// continuation and the copy are a clone pair with exactly the protocol's law) and, with
// track, the tracking of μ*(t_k) of nearest.Tracker.Track along the trunk rows.
//
// All live trajectories advance together: after the cloning step s_i the batch holds the
// trunk and the copies made so far, so every step is one call of the score (one U-Net call
// for route b) on all of them, instead of clone.Run's separate chain per cloning time and
// Track's separate run. The number of trajectory-steps is the same, trunk·L + pairs·Σ(L-s_i);
// the number of network calls drops from about L + Σ(L-s_i) to L.
func runStacked(e *Experiment, in *sde.Integrator, trunk, pairs int, steps []int, track bool) (*stacked, error) {
	L := in.Config().L
	if trunk < 1 || pairs < 0 || pairs > trunk {
		return nil, fmt.Errorf("realdata: stacked run needs trunk >= 1 and 0 <= pairs <= trunk, got %d, %d", trunk, pairs)
	}
	steps = slices.Clone(steps)
	slices.Sort(steps)
	steps = slices.Compact(steps)
	for _, s := range steps {
		if s < 0 || s >= L {
			return nil, fmt.Errorf("realdata: cloning step %d outside [0, L = %d)", s, L)
		}
	}
	d := e.D()
	var obs *sde.Observer
	if track {
		if err := e.Points.Attach(in.Store()); err != nil {
			return nil, err
		}
		// μ*(t) of the trunk rows only: the arg-max over μ of e^{-t} x·a_μ - e^{-2t}|a_μ|²/2
		// (nearest.Tracker), on the first trunk rows of the stacked batch.
		obs = &sde.Observer{Name: "nearest-trunk", Fn: func(x, t *graph.Node) *graph.Node {
			xt := graph.Slice(x, graph.AxisRange(0, trunk))
			decay := graph.Exp(graph.Neg(t))
			idx, _ := e.Points.ArgMax(xt, decay, graph.MulScalar(graph.Mul(decay, decay), -0.5))
			return idx
		}}
		// On the host kernel (route a on the pure-Go backend) the same from its own logits.
		if hs, ok := in.Score().(score.HostScorer); ok && in.Host() {
			if h, err := hs.Host(); err == nil && h.Dataset() == e.Points {
				obs.HostFused = func(x []float32, t float64) ([]float32, []int32, error) {
					idx := make([]int32, len(x)/d)
					f, err := h.Score(x, t, idx)
					return f, idx[:trunk], err
				}
			}
		} else if in.Host() {
			// Another host kernel (route b's U-Net, unet.Host): the score from it, μ*(t) of the
			// trunk rows from the training set's own host kernel (its arg-max is the same).
			if nh, err := score.NewHostEmpirical(e.Points); err == nil {
				hk := in.HostKernel()
				obs.HostFused = func(x []float32, t float64) ([]float32, []int32, error) {
					f, err := hk.Score(x, t, nil)
					if err != nil {
						return nil, nil, err
					}
					idx := make([]int32, trunk)
					_, err = nh.Score(x[:trunk*d], t, idx)
					return f, idx, err
				}
			}
		}
	}
	res := &stacked{trunk: trunk, pairs: pairs, steps: steps}
	x, err := in.Start(trunk)
	if err != nil {
		return nil, err
	}
	collect := func(o []*tensors.Tensor) error {
		for _, t := range o {
			v, err := tensors.CopyFlatData[int32](t)
			if err != nil {
				return err
			}
			for s := range len(v) / trunk {
				res.index = append(res.index, v[s*trunk:(s+1)*trunk])
			}
		}
		return nil
	}
	k := 0
	for _, s := range append(steps, L) {
		var o []*tensors.Tensor
		if x, o, err = in.RunObserved(x, k, s, obs); err != nil {
			return nil, err
		}
		if err := collect(o); err != nil {
			return nil, err
		}
		k = s
		if s == L || pairs == 0 {
			continue
		}
		flat, err := tensors.CopyFlatData[float32](x)
		if err != nil {
			return nil, err
		}
		rows := len(flat) / d
		flat = append(flat, flat[:pairs*d]...) // the copies of trunk rows 0..pairs-1
		x = tensors.FromFlatDataAndDimensions(flat, rows+pairs, d)
	}
	if res.x, err = tensors.CopyFlatData[float32](x); err != nil {
		return nil, err
	}
	for k := 0; k <= L; k++ {
		res.times = append(res.times, in.Time(k))
	}
	res.times[L] = 0
	return res, nil
}

// maxStackedRows bounds the rows of one stacked batch (trunks and all their copies) when the
// caller gives no batch size: the U-Net's activations (its attention maps above all) grow with it.
const maxStackedRows = 1024

// stackedBatch is the default number of trunk rows per stacked run for pairs clone pairs and k
// cloning times: all of them if the batch stays within maxStackedRows, else as many as fit.
func stackedBatch(pairs, k int) int { return max(1, min(pairs, maxStackedRows/(1+k))) }

// stackedConfig is the integrator configuration of route (b)'s stacked runs: one step per
// graph call (K = 1). A U-Net step is large enough that the per-call overhead does not matter,
// and a stacked run meets one batch size per cloning time, each compiling its own graphs: fused
// steps would compile K U-Nets per graph, and a graph per remainder. The trajectories do not
// change: each step draws the same noise whatever the steps per call (sde.Integrator).
func stackedConfig(e *Experiment, cfg sde.Config) sde.Config {
	if e.Route == RouteDDPM {
		cfg.K = 1
	}
	return cfg
}

// stackedClone is clone.Run through runStacked: φ for each class function at each cloning time
// (rounded to the grid, at least one step before the end), pairs clone pairs per time, run in
// batches of at most batch trunk rows.
func stackedClone(e *Experiment, in *sde.Integrator, times []float64, pairs, batch int, classes map[string]clone.ClassFunc) (*clone.Result, error) {
	if pairs < 1 {
		return nil, fmt.Errorf("realdata: clone pairs must be >= 1, got %d", pairs)
	}
	steps, err := cloneSteps(in, times)
	if err != nil {
		return nil, err
	}
	if batch <= 0 {
		batch = stackedBatch(pairs, len(steps))
	}
	names := make([]string, 0, len(classes))
	for name, f := range classes {
		if f == nil {
			return nil, fmt.Errorf("realdata: class function %q is nil", name)
		}
		names = append(names, name)
	}
	slices.Sort(names)
	same := map[string][]int{}
	for _, name := range names {
		same[name] = make([]int, len(steps))
	}
	d := e.D()
	for done := 0; done < pairs; done += batch {
		b := min(batch, pairs-done)
		st, err := runStacked(e, in, b, b, steps, false)
		if err != nil {
			return nil, err
		}
		if err := countSame(st, names, classes, d, same); err != nil {
			return nil, err
		}
	}
	return cloneResult(in, steps, names, same, pairs), nil
}

// cloneSteps rounds cloning times to the integrator's grid, at least one step before the end,
// sorted increasing (decreasing time) and without repeats, as clone.Run does.
func cloneSteps(in *sde.Integrator, times []float64) ([]int, error) {
	if len(times) == 0 {
		return nil, fmt.Errorf("realdata: no cloning times")
	}
	T, L := in.Config().T, in.Config().L
	var steps []int
	for _, t := range times {
		if !(t > 0 && t <= T) {
			return nil, fmt.Errorf("realdata: cloning time %g outside (0, T = %g]", t, T)
		}
		k, _ := in.StepAt(t)
		steps = append(steps, min(k, L-1))
	}
	slices.Sort(steps)
	return slices.Compact(steps), nil
}

// countSame adds, for each class function and cloning step, the pairs (trunk row, its copy)
// that get the same label.
func countSame(st *stacked, names []string, classes map[string]clone.ClassFunc, d int, same map[string][]int) error {
	trunk := st.x[:st.trunk*d]
	for _, name := range names {
		lt, err := classes[name](trunk, st.trunk, d)
		if err != nil {
			return fmt.Errorf("realdata: class function %q: %w", name, err)
		}
		for i := range st.steps {
			lc, err := classes[name](st.clones(i, d), st.pairs, d)
			if err != nil {
				return fmt.Errorf("realdata: class function %q: %w", name, err)
			}
			if len(lt) != st.trunk || len(lc) != st.pairs {
				return fmt.Errorf("realdata: class function %q returned %d and %d labels for %d and %d points", name, len(lt), len(lc), st.trunk, st.pairs)
			}
			for p := range st.pairs {
				if lt[p] == lc[p] {
					same[name][i]++
				}
			}
		}
	}
	return nil
}

func cloneResult(in *sde.Integrator, steps []int, names []string, same map[string][]int, pairs int) *clone.Result {
	res := &clone.Result{Pairs: pairs, Same: map[string][]clone.Estimate{}}
	for _, ks := range steps {
		res.Steps = append(res.Steps, ks)
		res.Times = append(res.Times, in.Time(ks))
	}
	for _, name := range names {
		for i := range steps {
			res.Same[name] = append(res.Same[name], clone.Bernoulli(same[name][i], pairs))
		}
	}
	return res
}

// tracksOf returns the nearest.Tracks of the trunk rows of a tracked stacked run: μ*(0) and
// the final distance from tr, t̂_C from nearest.LastChange.
func tracksOf(st *stacked, tr *nearest.Tracker, d int) (*nearest.Tracks, error) {
	tk := &nearest.Tracks{Times: st.times, X: st.x[:st.trunk*d]}
	var err error
	if tk.Final, tk.FinalDist, err = tr.Nearest(tk.X, 0); err != nil {
		return nil, err
	}
	last := make([]int32, st.trunk)
	for i, mu := range tk.Final {
		last[i] = int32(mu)
	}
	tk.Index = append(slices.Clone(st.index), last)
	tk.LastChange = nearest.LastChange(tk.Index, tk.Times)
	return tk, nil
}
