package realdata

import (
	"math"

	"github.com/gomlx/gomlx/core/tensors"
)

func tensorsToFloat32(t *tensors.Tensor) ([]float32, error) { return tensors.CopyFlatData[float32](t) }

// Crossing returns the time at which the curve p(t), decreasing in t, crosses level: scanning
// the times from large to small (the backward direction), the first pair of neighbouring
// points with p(t_hi) < level <= p(t_lo), linearly interpolated. ok is false when p never
// reaches level. ts may be in any order; p[i] belongs to ts[i].
func Crossing(ts, p []float64, level float64) (t float64, ok bool) {
	if len(ts) != len(p) || len(ts) < 2 {
		return math.NaN(), false
	}
	idx := sortedDecreasing(ts)
	for k := 1; k < len(idx); k++ {
		hi, lo := idx[k-1], idx[k]
		if p[hi] < level && p[lo] >= level {
			w := (level - p[hi]) / (p[lo] - p[hi])
			return ts[hi] + w*(ts[lo]-ts[hi]), true
		}
	}
	return math.NaN(), false
}

// sortedDecreasing returns the indices of ts ordered by decreasing value.
func sortedDecreasing(ts []float64) []int {
	idx := make([]int, len(ts))
	for i := range idx {
		idx[i] = i
	}
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0 && ts[idx[j]] > ts[idx[j-1]]; j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	return idx
}

// meanErr returns the mean of v and three standard errors of the mean.
func meanErr(v []float64) (mean, err3 float64) {
	n := float64(len(v))
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	for _, x := range v {
		mean += x
	}
	mean /= n
	if n < 2 {
		return mean, math.NaN()
	}
	var ss float64
	for _, x := range v {
		ss += (x - mean) * (x - mean)
	}
	return mean, 3 * math.Sqrt(ss/(n-1)/n)
}
