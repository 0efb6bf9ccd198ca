package unet

import (
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// ConvWithStd is Conv2D with the kernel's initial standard deviation std (0 starts it at
// zero), for networks built from the U-Net's layers that scale He's initialisation (HeStd), such
// as the classifier's residual blocks. Its parameters are made by Param.
func ConvWithStd(scope *model.Scope, x *graph.Node, cout, k, stride int, impl ConvImpl, std float64) *graph.Node {
	return conv2D(scope, x, cout, k, stride, impl, std)
}

// Param returns the variable name in scope, creating it on first use with values drawn in Go
// (N(0, std²) when std > 0, the constant fill otherwise) from a stream seeded by the store's
// ParamSeedKey and the variable's path: a fresh network is bit-identical for a given seed on
// every backend, whatever the order its layers are built in.
func Param(scope *model.Scope, g *graph.Graph, name string, fill, std float64, dims ...int) *graph.Node {
	return param(scope, g, name, fill, std, dims...)
}

// HeStd is the standard deviation of He (Kaiming) normal initialisation for a layer whose
// outputs sum fanIn inputs.
func HeStd(fanIn int) float64 { return heStd(fanIn) }
