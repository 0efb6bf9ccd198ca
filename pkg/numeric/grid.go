package numeric

import "gonum.org/v1/gonum/floats"

// Linspace returns n evenly spaced values from a to b inclusive (decreasing when b < a, the
// order of a backward trajectory); nil for n < 2. It is floats.Span on a new slice.
func Linspace(a, b float64, n int) []float64 {
	if n < 2 {
		return nil
	}
	return floats.Span(make([]float64, n), a, b)
}

// Logspace returns n values from a to b inclusive (a, b > 0), evenly spaced in log; nil for
// n < 2. It is floats.LogSpan on a new slice.
func Logspace(a, b float64, n int) []float64 {
	if n < 2 {
		return nil
	}
	return floats.LogSpan(make([]float64, n), a, b)
}

// Scaled returns xs multiplied by f, e.g. times t = x t_S from the ratios x = t/t_S.
func Scaled(xs []float64, f float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = x * f
	}
	return out
}
