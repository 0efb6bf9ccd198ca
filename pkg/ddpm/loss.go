package ddpm

import (
	"fmt"

	"github.com/diffregimes/diffregimes/pkg/unet"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// Noise returns x(t') of eq. (58) for clean images x0 [b,H,W,C], noise ξ of the same shape and
// per-example coefficients sqrtAB = sqrt(ᾱ(t')) and sqrt1mAB = sqrt(1 - ᾱ(t')), both [b]:
//
//	x(t') = sqrt(ᾱ(t')) a + sqrt(1 - ᾱ(t')) ξ
func Noise(x0, xi, sqrtAB, sqrt1mAB *Node) *Node {
	b := x0.Shape().Dim(0)
	return Add(Mul(Reshape(sqrtAB, b, 1, 1, 1), x0), Mul(Reshape(sqrt1mAB, b, 1, 1, 1), xi))
}

// Loss is the ε-prediction loss of eq. (60),
//
//	L(θ) = ‖ξ(t') - ξ_θ(x(t'), t')‖²,
//
// averaged over the batch and the pixels (the mean, as in Ho et al.'s L_simple, rather than
// the sum: a constant factor that Adam is nearly insensitive to). steps [b] are the t' (as
// float32), sqrtAB and sqrt1mAB [b] their coefficients of eq. (58).
func Loss(scope *model.Scope, m *unet.Model, x0, xi, steps, sqrtAB, sqrt1mAB *Node) *Node {
	if !x0.Shape().Equal(xi.Shape()) {
		panic(fmt.Sprintf("ddpm.Loss: x0 %s and noise %s shapes differ", x0.Shape(), xi.Shape()))
	}
	pred := m.Eps(scope, Noise(x0, xi, sqrtAB, sqrt1mAB), steps)
	return ReduceAllMean(Square(Sub(xi, pred)))
}
