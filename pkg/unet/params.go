package unet

import (
	"hash/fnv"
	"math"
	"math/rand/v2"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// ParamSeedKey is the store hyperparameter holding the seed of the parameter initialisation
// (an int64). Each variable draws from its own stream, seeded by (seed, hash of its path), so
// the initial values do not depend on the order in which layers are built.
const ParamSeedKey = "unet_param_seed"

// param returns the variable name in scope, creating it on first use with values drawn in Go:
// N(0, std²) when std > 0, the constant fill otherwise. Creating values in Go (rather than with
// a graph initializer) makes a fresh model bit-identical for a given seed on every backend.
func param(scope *model.Scope, g *graph.Graph, name string, fill, std float64, dims ...int) *graph.Node {
	if v := scope.GetVariable(name); v != nil {
		return v.NodeValue(g)
	}
	seed := model.GetRootParamOr[int64](scope.Store(), ParamSeedKey, 0)
	path := model.JoinPath(scope.Scope(), name)
	h := fnv.New64a()
	_, _ = h.Write([]byte(path))
	rng := rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
	n := 1
	for _, d := range dims {
		n *= d
	}
	data := make([]float32, n)
	for i := range data {
		if std > 0 {
			data[i] = float32(std * rng.NormFloat64())
		} else {
			data[i] = float32(fill)
		}
	}
	v, err := scope.CreateVariable(name, tensors.FromFlatDataAndDimensions(data, dims...))
	if err != nil {
		panic(err)
	}
	return v.NodeValue(g)
}

// heStd is the standard deviation of He (Kaiming) normal initialisation for a layer whose
// outputs sum fanIn inputs: it keeps activations O(1) through SiLU layers.
func heStd(fanIn int) float64 { return math.Sqrt(2 / float64(fanIn)) }
