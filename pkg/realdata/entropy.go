package realdata

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/diffregimes/diffregimes/pkg/entropy"
	"github.com/diffregimes/diffregimes/pkg/score"
)

// ExcessEntropy estimates the empirical excess entropy density f^e(t) = s^sep(t) - s^e(t)
// (main text after eq. 5; SI D.1, eqs. 56-57) at each time, from nPrime samples
// x_ν = e^{-t} a_μν + sqrt(Δ_t) ξ_ν of P^e_t (μν uniform), with three standard errors.
//
// Inserting eq. (57) into eq. (56), the normalisations cancel against s^sep and
//
//	f^e(t) = E_ν[ 1/2 + (1/d) log Σ_μ exp(-|x_ν - a_μ e^{-t}|²/(2Δ_t)) ].
//
// The μ = μν term of the sum is exp(-|ξ_ν|²/2), and E[1/2 - |ξ_ν|²/(2d)] = 0 exactly, so
//
//	f^e(t) = E_ν[ (1/d) log(1 + Σ_{μ≠μν} exp(-(|x_ν - a_μ e^{-t}|² - Δ_t|ξ_ν|²)/(2Δ_t))) ]
//
// has the same expectation without the χ²_d fluctuation of |ξ_ν|², whose standard deviation
// (1/sqrt(2d) per sample) otherwise dominates the error bar: the paper needs n' = 400 000
// samples with the plain estimator. Each term is >= 0, which makes f^e -> 0+ below t_C
// manifest. The sum over μ is streamed over the dataset's chunks with a log-sum-exp.
func ExcessEntropy(e *Experiment, times []float64, nPrime int, seed uint64) ([]entropy.Estimate, error) {
	if e == nil {
		return nil, fmt.Errorf("realdata: ExcessEntropy: experiment is nil")
	}
	if nPrime < 2 {
		return nil, fmt.Errorf("realdata: ExcessEntropy: number of samples n' must be >= 2, got %d", nPrime)
	}
	for i, t := range times {
		if !(t > 0) || math.IsInf(t, 0) {
			return nil, fmt.Errorf("realdata: ExcessEntropy: times[%d] = %g, must be > 0 and finite", i, t)
		}
	}
	ds := e.Points
	n, d := ds.N(), ds.Dim()
	exec, err := model.NewExec(e.backend, ds.Store(), func(_ *model.Scope, x, t *graph.Node) *graph.Node {
		decay, delta := score.DecayDelta(t)
		c1 := graph.Div(decay, delta)
		c2 := graph.Div(graph.MulScalar(graph.Mul(decay, decay), -0.5), delta)
		return ds.LogSumExp(x, c1, c2) // log Σ_μ exp(-(|x - a_μ e^{-t}|² - |x|²)/(2Δ))
	})
	if err != nil {
		return nil, err
	}
	defer exec.Finalize()
	const batch = 512
	rng := rand.New(rand.NewPCG(seed, 0x66652f616c706861))
	out := make([]entropy.Estimate, len(times))
	x := make([]float32, batch*d)
	shift := make([]float64, batch) // (|x|² - Δ|ξ|²)/(2Δ) per sample, in float64
	for it, t := range times {
		decay, delta := math.Exp(-t), -math.Expm1(-2*t)
		sq := math.Sqrt(delta)
		var sum, sum2 float64
		for done := 0; done < nPrime; done += batch {
			b := min(batch, nPrime-done)
			for i := range b {
				a := ds.Point(rng.IntN(n))
				var xx, xi2 float64
				for j := range d {
					xi := rng.NormFloat64()
					v := float32(decay*float64(a[j]) + sq*xi)
					x[i*d+j] = v
					xx += float64(v) * float64(v)
					xi2 += xi * xi
				}
				shift[i] = (xx - delta*xi2) / (2 * delta)
			}
			res, err := exec.Exec(tensors.FromFlatDataAndDimensions(x[:b*d], b, d), float32(t))
			if err != nil {
				return nil, fmt.Errorf("realdata: ExcessEntropy t = %g: %w", t, err)
			}
			lse, err := tensors.CopyFlatData[float32](res[0])
			if err != nil {
				return nil, err
			}
			for i := range b {
				// log(1 + Σ_{μ≠μν} …) >= 0; float32 rounding can push it a hair below.
				f := max(float64(lse[i])-shift[i], 0) / float64(d)
				sum += f
				sum2 += f * f
			}
		}
		mean := sum / float64(nPrime)
		variance := max(sum2/float64(nPrime)-mean*mean, 0) * float64(nPrime) / float64(nPrime-1)
		out[it] = entropy.Estimate{Value: mean, Err: 3 * math.Sqrt(variance/float64(nPrime))}
	}
	return out, nil
}

// ZeroTime returns the largest time of the excess-entropy curve at which f^e(t)/α has fallen
// to tol (e.g. ZeroLevel(n)): f^e decays to zero from above and, estimated without noise,
// never crosses it, so its "largest zero" (Fig. 5, bottom) is read at a level. Linear
// interpolation between neighbouring times; ok is false if the level is never reached.
func ZeroTime(ts, feOverAlpha []float64, tol float64) (float64, bool) {
	shifted := make([]float64, len(feOverAlpha))
	for i, v := range feOverAlpha {
		shifted[i] = -v // Crossing wants a curve decreasing in t
	}
	return Crossing(ts, shifted, -tol)
}
