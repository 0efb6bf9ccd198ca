package realdata

import (
	"fmt"

	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/nbplot"
)

// Chart is Figure 4: φ(t) against t/t_S for every series, three-standard-error bars, with the
// dashed references φ = 0.775 and t/t_S = 1.
func (f *Figure4Result) Chart() *nbplot.Chart {
	var series []nbplot.Series
	for _, r := range f.Series {
		x, y, err := r.Series()
		series = append(series, nbplot.Series{Name: r.Label, X: x, Y: y, Err: err})
	}
	return nbplot.Lines("Figure 4: speciation, φ(t) = P(two clones end in the same class)", "t / t_S", "φ(t)", series).
		HLine(clone.SpeciationLevel, "φ = 0.775").VLine(1, "t = t_S = ½ log Λ").YRange(0.4, 1.02)
}

// PhiCChart is Figure 5 (top left): φ_C(t) per training set, with t̄_C as vertical lines.
func (f *Figure5Result) PhiCChart() *nbplot.Chart {
	var series []nbplot.Series
	for _, r := range f.Results {
		x, y, err := r.PhiCSeries()
		series = append(series, nbplot.Series{Name: r.Label, X: x, Y: y, Err: err})
	}
	return f.tcLines(nbplot.Lines("Figure 5 (top left): φ_C(t) = P(two clones end on the same training image)", "t", "φ_C(t)", series).YRange(-0.02, 1.02))
}

// HistogramChart is Figure 5 (top right): the distribution of the last-change times t̂_C,
// with t̄_C as vertical lines.
func (f *Figure5Result) HistogramChart(bins int) *nbplot.Chart {
	var samples []nbplot.Sample
	for _, r := range f.Results {
		samples = append(samples, nbplot.Sample{Name: fmt.Sprintf("%s (%d samples)", r.Label, len(r.LastChange)), Values: r.LastChange})
	}
	return f.tcLines(nbplot.Histogram("Figure 5 (top right): last time t̂_C at which the nearest training image μ*(t) changes", "t̂_C", bins, samples))
}

// EntropyChart is Figure 5 (bottom): f^e(t)/α with three-standard-error bars, t̄_C as vertical
// lines and the level ZeroLevel at which t_C is read from it.
func (f *Figure5Result) EntropyChart() *nbplot.Chart {
	var series []nbplot.Series
	for _, r := range f.Results {
		x, y, err := r.EntropySeries()
		series = append(series, nbplot.Series{Name: r.Label, X: x, Y: y, Err: err})
	}
	c := nbplot.Lines("Figure 5 (bottom): empirical excess entropy f^e(t)/α", "t", "f^e(t) / α", series).LogX()
	for _, r := range f.Results {
		c.HLine(r.ZeroTol, fmt.Sprintf("log 2 / log n (n=%d)", r.N))
	}
	return f.tcLines(c)
}

func (f *Figure5Result) tcLines(c *nbplot.Chart) *nbplot.Chart {
	for _, r := range f.Results {
		if r.TCBar == r.TCBar { // not NaN
			c.VLine(r.TCBar, fmt.Sprintf("t̄_C %s", r.Label))
		}
	}
	return c
}

// Table is CollapseTable of the results.
func (f *Figure5Result) Table() string { return CollapseTable(f.Results...) }

// Table is SpeciationTable of the series.
func (f *Figure4Result) Table() string { return SpeciationTable(f.Series...) }

// SamplesGrid is one of Figures 6-10: the generated samples labelled with their class.
func (s *SamplesResult) SamplesGrid(cols int) *nbplot.ImageGrid {
	g := nbplot.Images(fmt.Sprintf("Generated samples: %s", s.Label), s.Images, s.H, s.W, s.C).Range(0, 1).Cols(cols)
	if len(s.Classes) == len(s.Images) {
		g.Labels(s.Classes)
	}
	return g
}

// NeighboursGrid is Figure 11: each row a generated sample and its four nearest training
// images μ1..μ4 with their L2 distances.
func (s *SamplesResult) NeighboursGrid() *nbplot.ImageGrid {
	cols := max(s.GridCols, 1)
	return nbplot.Images(fmt.Sprintf("Figure 11: samples of %s and their nearest training images", s.Label), s.Grid, s.H, s.W, s.C).
		Range(0, 1).Cols(cols).Labels(s.GridLabels)
}
