package nbplot

import (
	"fmt"
	"math"
)

// Sample is one named set of values for Histogram.
type Sample struct {
	Name   string
	Values []float64
}

// Histogram returns a chart of the probability densities of the samples, on common equal-width bins
// spanning all finite values (count / (n_finite * width), so each histogram integrates to 1 and can be
// compared with a density curve added with Add). bins must be >= 1.
func Histogram(title, xName string, bins int, samples []Sample) *Chart {
	c := &Chart{title: title, xName: xName, yName: "density", height: defaultHeight, step: true}
	if bins < 1 {
		c.err = fmt.Errorf("nbplot: Histogram %q: bins=%d, want >= 1", title, bins)
		return c
	}
	if len(samples) == 0 {
		c.err = fmt.Errorf("nbplot: Histogram %q: no samples", title)
		return c
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range samples {
		for _, v := range s.Values {
			if finite(v, false) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if lo > hi {
		c.err = fmt.Errorf("nbplot: Histogram %q: no finite values", title)
		return c
	}
	if lo == hi { // a single value: give its bin a unit width
		lo, hi = lo-0.5, hi+0.5
	}
	width := (hi - lo) / float64(bins)
	centers := make([]float64, bins)
	for k := range centers {
		centers[k] = lo + (float64(k)+0.5)*width
	}
	for _, s := range samples {
		counts, n := HistCounts(s.Values, lo, hi, bins)
		dens := make([]float64, bins)
		for k, cnt := range counts {
			if n > 0 {
				dens[k] = float64(cnt) / (float64(n) * width)
			}
		}
		c.Add(Series{Name: s.Name, X: centers, Y: dens})
	}
	return c
}

// HistCounts counts the finite values in [lo, hi] into bins equal-width bins (hi falls in the last),
// and returns the counts and how many values were counted.
func HistCounts(values []float64, lo, hi float64, bins int) (counts []int, n int) {
	counts = make([]int, bins)
	width := (hi - lo) / float64(bins)
	for _, v := range values {
		if !finite(v, false) || v < lo || v > hi {
			continue
		}
		k := int((v - lo) / width)
		if k >= bins {
			k = bins - 1
		}
		counts[k]++
		n++
	}
	return counts, n
}
