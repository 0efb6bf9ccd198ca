package numeric

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
)

// MeanSE returns the sample mean of v and its standard error s/√n, with s the unbiased
// standard deviation (stat.MeanStdDev). The mean is NaN for an empty v, the error NaN for
// fewer than two values.
func MeanSE(v []float64) (mean, se float64) {
	switch len(v) {
	case 0:
		return math.NaN(), math.NaN()
	case 1:
		return v[0], math.NaN()
	}
	m, s := stat.MeanStdDev(v, nil)
	return m, s / math.Sqrt(float64(len(v)))
}

// Median returns the median of v (the mean of the two middle values when len(v) is even),
// NaN for an empty v. v is not modified.
func Median(v []float64) float64 {
	n := len(v)
	if n == 0 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Quantile returns the empirical p-quantile of v, 0 <= p <= 1 (stat.Quantile with
// stat.Empirical: the smallest value whose empirical CDF reaches p), NaN for an empty v. v is
// not modified.
func Quantile(p float64, v []float64) float64 {
	if len(v) == 0 || math.IsNaN(p) || p < 0 || p > 1 {
		return math.NaN()
	}
	s := slices.Clone(v)
	slices.Sort(s)
	return stat.Quantile(p, stat.Empirical, s, nil)
}
