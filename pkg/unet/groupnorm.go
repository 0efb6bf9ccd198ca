package unet

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// GroupNormBuilder configures a group normalisation layer (Wu & He 2018), which gomlx lacks.
// Create it with GroupNorm, then call Done.
type GroupNormBuilder struct {
	scope   *model.Scope
	x       *Node
	groups  int
	epsilon float64
}

// GroupNorm normalises x of shape [b, H, W, C] (channels last) over each group of C/G
// channels and all pixels, per example, then applies a learned per-channel scale γ
// (initialised to 1) and offset β (initialised to 0):
//
//	y = γ_c (x - mean_g) / sqrt(var_g + ε) + β_c
//
// Defaults: 32 groups (as in the DDPM U-Nets), ε = 1e-5.
func GroupNorm(scope *model.Scope, x *Node) *GroupNormBuilder {
	return &GroupNormBuilder{scope: scope, x: x, groups: 32, epsilon: 1e-5}
}

// Groups sets the number of groups G; it must divide the channel count.
func (b *GroupNormBuilder) Groups(g int) *GroupNormBuilder { b.groups = g; return b }

// Epsilon sets ε added to the variance.
func (b *GroupNormBuilder) Epsilon(eps float64) *GroupNormBuilder { b.epsilon = eps; return b }

// Done builds the layer. It panics (graph-building convention) when x is not rank 4 or G does
// not divide C; Config.Validate rejects such configurations before any graph is built.
func (b *GroupNormBuilder) Done() *Node {
	x := b.x
	if x.Rank() != 4 {
		panic(fmt.Sprintf("unet.GroupNorm: x must be [b,H,W,C], got shape %s", x.Shape()))
	}
	s := x.Shape()
	bsz, h, w, c := s.Dim(0), s.Dim(1), s.Dim(2), s.Dim(3)
	if b.groups <= 0 || c%b.groups != 0 {
		panic(fmt.Sprintf("unet.GroupNorm: %d groups do not divide %d channels", b.groups, c))
	}
	g := x.Graph()
	xg := Reshape(x, bsz, h*w, b.groups, c/b.groups)
	mean := ReduceAndKeep(xg, ReduceMean, 1, 3)
	centered := Sub(xg, mean)
	variance := ReduceAndKeep(Square(centered), ReduceMean, 1, 3)
	// Rsqrt has no gradient in gomlx: divide by Sqrt instead.
	normed := Div(centered, Sqrt(AddScalar(variance, b.epsilon)))
	y := Reshape(normed, bsz, h, w, c)
	gamma := param(b.scope, g, "gamma", 1, 0, c)
	beta := param(b.scope, g, "beta", 0, 0, c)
	return Add(Mul(y, Reshape(gamma, 1, 1, 1, c)), Reshape(beta, 1, 1, 1, c))
}
