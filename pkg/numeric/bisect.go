package numeric

import (
	"fmt"
	"math"
)

// Bisect returns a root of f in [lo, hi] by bisection, to an absolute tolerance tol on x
// (tol <= 0 means: to the resolution of float64). f(lo) and f(hi) must be finite and of
// opposite signs (or one of them zero); otherwise the error says which end is wrong. At most
// 200 halvings are made, enough for any float64 interval.
func Bisect(f func(float64) float64, lo, hi, tol float64) (float64, error) {
	if !(lo <= hi) {
		return math.NaN(), fmt.Errorf("numeric: Bisect: want lo <= hi, got [%g, %g]", lo, hi)
	}
	flo, fhi := f(lo), f(hi)
	switch {
	case math.IsNaN(flo) || math.IsInf(flo, 0):
		return math.NaN(), fmt.Errorf("numeric: Bisect: f(%g) = %g is not finite", lo, flo)
	case math.IsNaN(fhi) || math.IsInf(fhi, 0):
		return math.NaN(), fmt.Errorf("numeric: Bisect: f(%g) = %g is not finite", hi, fhi)
	case flo == 0:
		return lo, nil
	case fhi == 0:
		return hi, nil
	case (flo < 0) == (fhi < 0):
		return math.NaN(), fmt.Errorf("numeric: Bisect: no sign change on [%g, %g]: f = %g and %g", lo, hi, flo, fhi)
	}
	for range 200 {
		mid := lo + (hi-lo)/2
		if hi-lo <= tol || mid == lo || mid == hi {
			return mid, nil
		}
		fm := f(mid)
		if math.IsNaN(fm) {
			return math.NaN(), fmt.Errorf("numeric: Bisect: f(%g) is NaN", mid)
		}
		if fm == 0 {
			return mid, nil
		}
		if (fm < 0) == (flo < 0) {
			lo, flo = mid, fm
		} else {
			hi = mid
		}
	}
	return lo + (hi-lo)/2, nil
}
