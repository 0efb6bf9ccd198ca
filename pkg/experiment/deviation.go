package experiment

import (
	"math"
)

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
