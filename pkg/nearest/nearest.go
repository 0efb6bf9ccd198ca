package nearest

import (
	"fmt"
	"math"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/diffregimes/diffregimes/pkg/score"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

// Tracker finds nearest training points of a dataset.
type Tracker struct {
	ds   *score.Dataset
	b    compute.Backend
	exec *model.Exec
}

// New returns a tracker for the dataset on backend b.
func New(b compute.Backend, ds *score.Dataset) (*Tracker, error) {
	if b == nil {
		return nil, fmt.Errorf("nearest: backend is nil")
	}
	if ds == nil {
		return nil, fmt.Errorf("nearest: dataset is nil")
	}
	tr := &Tracker{ds: ds, b: b}
	exec, err := model.NewExec(b, ds.Store(), func(_ *model.Scope, x, t *graph.Node) *graph.Node {
		return tr.graph(x, t)
	})
	if err != nil {
		return nil, err
	}
	tr.exec = exec
	return tr, nil
}

// graph returns μ*(t) (int32 [b]) for x [b, d]: the arg-max over μ of
// e^{-t} x·a_μ - e^{-2t}|a_μ|²/2, which is the arg-min of |a_μ e^{-t} - x|².
func (tr *Tracker) graph(x, t *graph.Node) *graph.Node {
	decay := graph.Exp(graph.Neg(t))
	idx, _ := tr.ds.ArgMax(x, decay, graph.MulScalar(graph.Mul(decay, decay), -0.5))
	return idx
}

// Nearest returns μ*(t) and the distance |a_μ* e^{-t} - x| for the points x (row-major, the
// dataset's dimension d) at time t >= 0. The index comes from the chunked graph; the distance
// is recomputed in float64 from that index, so it stays exact when x has collapsed onto a_μ*.
func (tr *Tracker) Nearest(x []float32, t float64) (idx []int, dist []float64, err error) {
	d := tr.ds.Dim()
	switch {
	case !(t >= 0) || math.IsInf(t, 0):
		return nil, nil, fmt.Errorf("nearest: time t must be >= 0 and finite, got %g", t)
	case len(x) == 0:
		return nil, nil, fmt.Errorf("nearest: batch x is empty")
	case len(x)%d != 0:
		return nil, nil, fmt.Errorf("nearest: x has %d values, not a multiple of d = %d", len(x), d)
	}
	b := len(x) / d
	out, err := tr.exec.Exec(tensors.FromFlatDataAndDimensions(x, b, d), float32(t))
	if err != nil {
		return nil, nil, err
	}
	raw, err := tensors.CopyFlatData[int32](out[0])
	if err != nil {
		return nil, nil, err
	}
	e := math.Exp(-t)
	idx, dist = make([]int, b), make([]float64, b)
	for i, mu := range raw {
		idx[i] = int(mu)
		a := tr.ds.Point(int(mu))
		var s float64
		for j := range d {
			r := float64(x[i*d+j]) - e*float64(a[j])
			s += r * r
		}
		dist[i] = math.Sqrt(s)
	}
	return idx, dist, nil
}

// ClassFunc returns a class function (it fits clone.ClassFunc) labelling each point x(0) by
// its nearest training point μ*(0): the two clones of a pair "collapse on the same datum"
// when their labels agree, which defines φ_C(t).
func (tr *Tracker) ClassFunc() func(x []float32, b, d int) ([]int, error) {
	return func(x []float32, b, d int) ([]int, error) {
		if d != tr.ds.Dim() || len(x) != b*d {
			return nil, fmt.Errorf("nearest: class of %d values for b=%d, d=%d; dataset has d=%d", len(x), b, d, tr.ds.Dim())
		}
		idx, _, err := tr.Nearest(x, 0)
		return idx, err
	}
}

// Observer returns the per-step observer μ*(t_k) for an integrator running s, whose store
// must hold the dataset (Track attaches it). When s is the exact empirical score of this
// dataset (score.WithNearest), μ* comes from the score's own logits: no extra matmul.
// With its host kernel (score.HostScorer) too, the host integrator keeps tracking on the host.
func (tr *Tracker) Observer(s score.Score) *sde.Observer {
	obs := &sde.Observer{Name: "nearest", Fn: tr.graph}
	if wn, ok := s.(score.WithNearest); ok && wn.Dataset() == tr.ds {
		obs.Fused = wn.GraphNearest
		if hs, ok := s.(score.HostScorer); ok {
			if h, err := hs.Host(); err == nil {
				obs.HostFused = func(x []float32, t float64) ([]float32, []int32, error) {
					idx := make([]int32, len(x)/h.Dim())
					f, err := h.Score(x, t, idx)
					return f, idx, err
				}
			}
		}
	}
	return obs
}

// Tracks are the nearest-neighbour histories of a batch of backward trajectories.
type Tracks struct {
	Times      []float64 // t_k = T - kη for k = 0..L (Times[L] = 0)
	Index      [][]int32 // Index[k][i] = μ*(t_k) of trajectory i
	LastChange []float64 // t̂_C of each trajectory (see LastChange)
	Final      []int     // μ*(0)
	FinalDist  []float64 // |x(0) - a_μ*(0)|
	X          []float32 // the final points x(0), row-major
}

// Track runs b trajectories of the integrator from x_T ~ N(0, I) to t = 0, recording μ*(t_k)
// at every step (fused into the step graphs), then μ*(0) and the final distance.
func (tr *Tracker) Track(in *sde.Integrator, b int) (*Tracks, error) {
	if in == nil {
		return nil, fmt.Errorf("nearest: integrator is nil")
	}
	if in.Dim() != tr.ds.Dim() {
		return nil, fmt.Errorf("nearest: integrator has d = %d, dataset d = %d", in.Dim(), tr.ds.Dim())
	}
	if err := tr.ds.Attach(in.Store()); err != nil {
		return nil, err
	}
	x, err := in.Start(b)
	if err != nil {
		return nil, err
	}
	L := in.Config().L
	x, obs, err := in.RunObserved(x, 0, L, tr.Observer(in.Score()))
	if err != nil {
		return nil, err
	}
	tk := &Tracks{}
	for k := 0; k <= L; k++ {
		tk.Times = append(tk.Times, in.Time(k))
	}
	tk.Times[L] = 0
	for _, o := range obs {
		v, err := tensors.CopyFlatData[int32](o)
		if err != nil {
			return nil, err
		}
		for s := range len(v) / b {
			tk.Index = append(tk.Index, v[s*b:(s+1)*b])
		}
	}
	if tk.X, err = tensors.CopyFlatData[float32](x); err != nil {
		return nil, err
	}
	if tk.Final, tk.FinalDist, err = tr.Nearest(tk.X, 0); err != nil {
		return nil, err
	}
	last := make([]int32, b)
	for i, mu := range tk.Final {
		last[i] = int32(mu)
	}
	tk.Index = append(tk.Index, last)
	tk.LastChange = LastChange(tk.Index, tk.Times)
	return tk, nil
}

// LastChange returns, for each trajectory i, the estimate t̂_C of Fig. 5: the last time of the
// backward process at which μ*(t) changes. With index[k][i] = μ*(t_k) on decreasing times
// t_0 > t_1 > ..., if k is the last step with index[k-1][i] != index[k][i], the change
// happened between t_k and t_{k-1} and t̂_C = (t_{k-1} + t_k)/2; if μ* never changes,
// t̂_C = t_0.
func LastChange(index [][]int32, times []float64) []float64 {
	if len(index) == 0 {
		return nil
	}
	out := make([]float64, len(index[0]))
	for i := range out {
		out[i] = times[0]
		for k := len(index) - 1; k > 0; k-- {
			if index[k][i] != index[k-1][i] {
				out[i] = (times[k-1] + times[k]) / 2
				break
			}
		}
	}
	return out
}
