package score

import (
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// Score is a score function F(x, t) = ∇_x log P_t(x) of the forward process of eq. (1),
// expressed as a gomlx graph so that the same integrator runs it on any backend.
//
// Implementations: the exact empirical score of eq. (2), the Gaussian-mixture score of
// eq. (54), and a trained DDPM denoiser (F = -ε_θ / sqrt(1 - ᾱ), SI D.2).
type Score interface {
	// Dim is the dimension d of the points x.
	Dim() int
	// Graph returns F(x, t) of shape [b, d] for points x of shape [b, d] (float32) at the
	// continuous OU time t (a float32 scalar node, t > 0).
	Graph(x, t *graph.Node) *graph.Node
}

// WithStore is implemented by scores whose graph reads trained parameters: the integrator
// must run their graph with a model.Exec over this store so the parameters are fed in.
type WithStore interface {
	Score
	Store() *model.Store
}

// WithNearest is implemented by scores computed from a training set that can also return,
// in the same graph and at no extra cost, the index μ*(t) of the training point nearest to
// x(t), i.e. argmin_μ |a_μ e^{-t} - x| (the exact empirical score of eq. 2).
type WithNearest interface {
	Score
	Dataset() *Dataset
	GraphNearest(x, t *graph.Node) (f, idx *graph.Node)
}

// HostScorer is implemented by scores with a host kernel for the pure-Go CPU backend (the
// exact empirical score: HostEmpirical, through OpenBLAS). Host returns it, or the reason there
// is none (no BLAS library); package sde then keeps the step graph.
type HostScorer interface {
	Score
	Host() (*HostEmpirical, error)
}

// HostKernel computes F(x, t) on the host for the b = len(x)/d points x (row-major [b, d]), as
// the score's Graph does; nearest, when not nil, receives μ*(t) (a kernel without a training
// set returns an error then). *HostEmpirical is one.
type HostKernel interface {
	Score(x []float32, t float64, nearest []int32) ([]float32, error)
}

// HostKernelScorer is implemented by scores with a host kernel other than the exact empirical
// one (ddpm.Score: the trained U-Net through unet.Host). HostKernel returns it, or the reason
// there is none; package sde then keeps the step graph.
type HostKernelScorer interface {
	Score
	HostKernel() (HostKernel, error)
}
