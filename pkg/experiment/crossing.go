package experiment

import (
	"fmt"
	"math"
)

// LevelCrossing returns the largest x at which the piecewise-linear curve through (x[i], y[i])
// (x increasing) crosses y = level: the last sign change of y − level, located by linear
// interpolation (a point exactly at the level counts). This is "the largest time at which
// f^e(t) = 0" of the main text, and the time at which a sampled φ(t) crosses 0.775. Errors
// when the lengths differ, x does not increase, or the curve never reaches the level.
func LevelCrossing(x, y []float64, level float64) (float64, error) {
	if len(x) != len(y) {
		return 0, fmt.Errorf("experiment: LevelCrossing: len(x) = %d != len(y) = %d", len(x), len(y))
	}
	if len(x) < 2 {
		return 0, fmt.Errorf("experiment: LevelCrossing: need >= 2 points, got %d", len(x))
	}
	for i := 1; i < len(x); i++ {
		if !(x[i] > x[i-1]) {
			return 0, fmt.Errorf("experiment: LevelCrossing: x must increase strictly, got %g then %g", x[i-1], x[i])
		}
	}
	for i := len(x) - 1; i >= 1; i-- {
		a, b := y[i-1]-level, y[i]-level
		if math.IsNaN(a) || math.IsNaN(b) {
			continue
		}
		if b == 0 {
			return x[i], nil
		}
		if a == 0 {
			return x[i-1], nil
		}
		if (a < 0) != (b < 0) {
			return x[i-1] + (x[i]-x[i-1])*a/(a-b), nil
		}
	}
	return 0, fmt.Errorf("experiment: LevelCrossing: the curve never crosses %g", level)
}
