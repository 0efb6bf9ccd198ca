package sde

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
)

// Normal returns standard normal values of the given float shape and the advanced RNG state.
// It is Box-Muller using both outputs of each uniform pair (r cos θ and r sin θ), which halves
// the logarithms and cosines of graph.RandomNormal: on the pure-Go backend those
// transcendentals, not the score, dominate an SDE step of the mixture score.
func Normal(rng *graph.Node, shape shapes.Shape) (newRNG, values *graph.Node) {
	size := shape.Size()
	half := (size + 1) / 2
	g := rng.Graph()
	var u *graph.Node
	newRNG, u = graph.RandomUniform(rng, shapes.Make(shape.DType, 2, half))
	u1 := graph.Max(graph.Slice(u, graph.AxisElem(0)), graph.Const(g, shape.DType.SmallestNonZeroValueForDType()))
	theta := graph.MulScalar(graph.Slice(u, graph.AxisElem(1)), 2*math.Pi)
	r := graph.Sqrt(graph.MulScalar(graph.Log(u1), -2))
	z := graph.Concatenate([]*graph.Node{graph.Mul(r, graph.Cos(theta)), graph.Mul(r, graph.Sin(theta))}, 1)
	z = graph.Reshape(z, 2*half)
	if 2*half != size {
		z = graph.Slice(z, graph.AxisRange(0, size))
	}
	return newRNG, graph.Reshape(z, shape.Dimensions...)
}

// hostBlock is the number of normals drawn per PCG stream on the host: blocks are filled in
// parallel, and the values depend only on (seed, draw, block), not on the thread count.
const hostBlock = 1 << 15

// hostNormal returns count draws of per standard normals times scale: the next count draws
// of the host stream.
func (in *Integrator) hostNormal(per, count int, scale float64) []float32 {
	return in.fillNormal(per, count, in.reserve(count), scale)
}

// reserve returns the index of the first of count consecutive draws of the host stream.
func (in *Integrator) reserve(count int) uint64 {
	first := in.calls
	in.calls += uint64(count)
	return first
}

// fillNormal returns count draws of per standard normals times scale, draw i being draw
// first+i of the host stream, so that a step consumes the same draw whatever the number of
// steps fused per call. Draws are split into blocks with their own PCG stream, filled in
// parallel: the values depend only on (seed, draw, block).
func (in *Integrator) fillNormal(per, count int, first uint64, scale float64) []float32 {
	out := make([]float32, per*count)
	nb := (per + hostBlock - 1) / hostBlock
	jobs := nb * count
	workers := min(runtime.GOMAXPROCS(0), jobs)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for job := w; job < jobs; job += workers {
				draw, blk := job/nb, job%nb
				r := rand.New(rand.NewPCG(uint64(in.cfg.Seed), (first+uint64(draw))<<24|uint64(blk)))
				dst := out[draw*per : (draw+1)*per]
				for i := blk * hostBlock; i < min(per, (blk+1)*hostBlock); i++ {
					dst[i] = float32(scale * r.NormFloat64())
				}
			}
		}()
	}
	wg.Wait()
	return out
}
