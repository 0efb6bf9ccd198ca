package ddpm

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/diffregimes/diffregimes/pkg/ou"
	"github.com/diffregimes/diffregimes/pkg/score"
	"github.com/diffregimes/diffregimes/pkg/unet"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// Score is the score of a trained DDPM denoiser at the paper's continuous time t (SI D.2):
//
//	F(x, t) = -ξ_θ(x, t') / sqrt(1 - ᾱ(t')),   t = -½ log ᾱ(t')   (eq. 59),
//
// where t' is the (fractional) step whose time is t: linear interpolation of eq. (59) between
// the integer steps, clamped to [0, L]. Since ᾱ(t') = e^{-2t}, the denominator is
// sqrt(1 - e^{-2t}) = sqrt(Δ_t) exactly. It implements score.Score and score.WithStore, so the
// SDE integrator, cloning and nearest-neighbour tools run on a trained model.
type Score struct {
	Model    *unet.Model
	Schedule *ou.Schedule
	store    *model.Store
	times    []float32 // Time(k), k = 0..L
	host     func() (*unet.Host, error)
}

var (
	_ score.WithStore        = (*Score)(nil)
	_ score.HostKernelScorer = (*Score)(nil)
)

// NewScore wraps a trained model (e.g. from LoadModel or Trainer) as a score.
func NewScore(m *unet.Model, store *model.Store, sched *ou.Schedule) (*Score, error) {
	if m == nil || store == nil || sched == nil {
		return nil, errors.New("ddpm: NewScore needs a model, its store and a schedule")
	}
	times := make([]float32, sched.L+1)
	for k, v := range sched.Times() {
		times[k] = float32(v)
	}
	sc := &Score{Model: m, Schedule: sched, store: store, times: times}
	// The host forward pass reads the parameters once, when first asked (they are trained).
	sc.host = sync.OnceValues(func() (*unet.Host, error) { return unet.NewHost(m, store) })
	return sc, nil
}

// HostKernel returns F(x, t) computed on the host (unet.Host: OpenBLAS and float32 loops), the
// kernel package sde runs on the pure-Go backend, or the reason there is none (no BLAS
// library). It reads the store's parameters at the first call: a Score whose store is trained
// further afterwards must be made anew.
func (s *Score) HostKernel() (score.HostKernel, error) {
	h, err := s.host()
	if err != nil {
		return nil, err
	}
	return hostScore{s, h}, nil
}

// hostScore is Score on the host.
type hostScore struct {
	s *Score
	h *unet.Host
}

// Score is Graph on the host: the fractional step of StepGraph in the same float32 arithmetic,
// ξ_θ from unet.Host, F = -ξ_θ/sqrt(Δ_t).
func (hs hostScore) Score(x []float32, t float64, nearest []int32) ([]float32, error) {
	if nearest != nil {
		return nil, errors.New("ddpm: the U-Net score has no training set to give μ*(t)")
	}
	d := hs.s.Dim()
	if len(x) == 0 || len(x)%d != 0 {
		return nil, fmt.Errorf("ddpm: host score: %d values are not a whole number of points of dimension %d", len(x), d)
	}
	step := hs.s.step(float32(t))
	steps := make([]float32, len(x)/d)
	for i := range steps {
		steps[i] = step
	}
	eps, err := hs.h.Eps(x, steps)
	if err != nil {
		return nil, err
	}
	inv := float32(1 / math.Sqrt(-math.Expm1(-2*float64(float32(t)))))
	for i, v := range eps {
		eps[i] = -v * inv
	}
	return eps, nil
}

// step is StepGraph on the host.
func (s *Score) step(t float32) float32 {
	L := s.Schedule.L
	tc := min(max(t, s.times[0]), s.times[L])
	if tc == s.times[L] {
		return float32(L)
	}
	for k := range L {
		if lo, hi := s.times[k], s.times[k+1]; tc >= lo && tc < hi {
			return float32(k) + (tc-lo)/(hi-lo)
		}
	}
	return 0
}

// Dim is d = ImageSize²·Channels.
func (s *Score) Dim() int { return s.Model.Config.Dim() }

// Store is the parameter store the graph reads.
func (s *Score) Store() *model.Store { return s.store }

// Graph returns F(x, t) for x [b, d] (images flattened in H, W, C order) and a scalar t.
func (s *Score) Graph(x, t *Node) *Node {
	cfg := s.Model.Config
	if x.Rank() != 2 || x.Shape().Dim(1) != s.Dim() {
		panic(fmt.Sprintf("ddpm.Score.Graph: x must be [b, %d], got %s", s.Dim(), x.Shape()))
	}
	b := x.Shape().Dim(0)
	t = ConvertDType(Reshape(t), dtypes.Float32)
	step := s.StepGraph(t)
	eps := s.Model.Eps(s.store.RootScope().At(unet.Scope), Reshape(x, b, cfg.ImageSize, cfg.ImageSize, cfg.Channels),
		BroadcastToDims(Reshape(step, 1), b))
	// 1 - ᾱ = 1 - e^{-2t} = Δ_t; -expm1(-2t) keeps precision at small t.
	_, delta := score.DecayDelta(t)
	return Div(Neg(Reshape(eps, b, s.Dim())), Sqrt(delta))
}

// StepGraph returns the fractional DDPM step t' whose continuous time is t (a float32 scalar),
// inverting eq. (59) by linear interpolation in the table Time(k).
func (s *Score) StepGraph(t *Node) *Node {
	g := t.Graph()
	L := s.Schedule.L
	lo := Const(g, s.times[:L]) // Time(k), k = 0..L-1
	hi := Const(g, s.times[1:]) // Time(k+1)
	tc := Clip(t, Const(g, s.times[0]), Const(g, s.times[L]))
	// The segment k with Time(k) <= t < Time(k+1) contributes k + (t - Time(k))/(Time(k+1) - Time(k));
	// the others contribute 0; at t = Time(L) the last segment gives exactly L.
	in := And(GreaterOrEqual(tc, lo), LessThan(tc, hi))
	last := Equal(tc, Const(g, s.times[L]))
	k := ConvertDType(Iota(g, lo.Shape(), 0), dtypes.Float32)
	frac := Div(Sub(tc, lo), Sub(hi, lo))
	val := Where(in, Add(k, frac), ZerosLike(k))
	return Add(ReduceAllSum(val), Where(last, Scalar(g, dtypes.Float32, float64(L)), Scalar(g, dtypes.Float32, 0.0)))
}
