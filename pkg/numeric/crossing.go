package numeric

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// ErrNoCrossing is wrapped by the error of Crossing when the curve never reaches the level.
var ErrNoCrossing = errors.New("the curve never crosses the level")

// Crossing returns the largest x at which the piecewise-linear curve through the points
// (x[i], y[i]) crosses y = level: the sign change of y − level at the largest x, located by
// linear interpolation (a point exactly at the level counts). The points may come in any
// order (a backward trajectory lists its times decreasing); points with a NaN y are skipped.
//
// This is how the paper reads its times off sampled curves: t_S where φ(t) = 0.775, t_C where
// φ_C(t) = ½ or where f^e(t) reaches its zero (eq. 9). The error names the problem: lengths
// that differ, fewer than two points, a repeated x, or (wrapping ErrNoCrossing) no crossing.
func Crossing(x, y []float64, level float64) (float64, error) {
	if len(x) != len(y) {
		return math.NaN(), fmt.Errorf("numeric: Crossing: len(x) = %d != len(y) = %d", len(x), len(y))
	}
	idx := make([]int, 0, len(x))
	for i := range x {
		if !math.IsNaN(y[i]) {
			idx = append(idx, i)
		}
	}
	if len(idx) < 2 {
		return math.NaN(), fmt.Errorf("numeric: Crossing: need >= 2 points with a finite y, got %d", len(idx))
	}
	sort.SliceStable(idx, func(a, b int) bool { return x[idx[a]] < x[idx[b]] })
	for k := 1; k < len(idx); k++ {
		if !(x[idx[k]] > x[idx[k-1]]) {
			return math.NaN(), fmt.Errorf("numeric: Crossing: x = %g appears twice (or is NaN)", x[idx[k]])
		}
	}
	for k := len(idx) - 1; k >= 1; k-- {
		i0, i1 := idx[k-1], idx[k]
		a, b := y[i0]-level, y[i1]-level
		switch {
		case b == 0:
			return x[i1], nil
		case a == 0:
			return x[i0], nil
		case (a < 0) != (b < 0):
			return x[i0] + (x[i1]-x[i0])*a/(a-b), nil
		}
	}
	return math.NaN(), fmt.Errorf("numeric: Crossing: level %g: %w", level, ErrNoCrossing)
}
