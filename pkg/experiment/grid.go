package experiment

import (
	"math"
	"math/rand/v2"

	"github.com/diffregimes/diffregimes/pkg/gmm"
)

// CommitmentCurve returns Commitment(m, t) at each of ts.
func CommitmentCurve(m gmm.Mixture, ts []float64) []float64 {
	out := make([]float64, len(ts))
	for i, t := range ts {
		out[i] = Commitment(m, t)
	}
	return out
}

// Deviation compares measurements with their predictions: maxZ is the largest
// |measured − predicted| / se over the points with se > 0 (expected below ~3-4 when the
// prediction holds), and maxAbs the largest |measured − predicted| over all points (it covers
// points with se = 0, such as a fraction that is exactly 1).
func Deviation(measured, se, predicted []float64) (maxZ, maxAbs float64) {
	for i := range min(len(measured), len(se), len(predicted)) {
		d := math.Abs(measured[i] - predicted[i])
		maxAbs = math.Max(maxAbs, d)
		if se[i] > 0 {
			maxZ = math.Max(maxZ, d/se[i])
		}
	}
	return maxZ, maxAbs
}

// NewRand returns the seeded generator used throughout the package (PCG), for callers of
// package gmm and rem that take a *rand.Rand.
func NewRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }
