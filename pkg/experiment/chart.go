package experiment

import (
	"fmt"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/diffregimes/diffregimes/pkg/nbplot"
)

// ClassColors are the colours of trajectories by the class they end in: the series names
// used by QPaths.Paths and Trajectories.Series.
var ClassColors = map[string]string{"ends in +": "#1f5fbf", "ends in −": "#e08a00"}

// ColorByName builds c and paints every series whose name is a key of colors (its line,
// markers and error bars) in that colour. With thin set, those series are drawn as thin lines
// without markers: for many trajectories coloured by their final class, as in Fig. 1. Series
// of the same name share one legend entry, which toggles them together.
func ColorByName(c *nbplot.Chart, colors map[string]string, thin bool) (*charts.Line, error) {
	line, err := c.Echarts()
	if err != nil {
		return nil, fmt.Errorf("experiment: ColorByName: %w", err)
	}
	for i := range line.MultiSeries {
		s := &line.MultiSeries[i]
		col, ok := colors[s.Name]
		if !ok {
			continue
		}
		s.ItemStyle = &opts.ItemStyle{Color: col}
		ls := opts.LineStyle{Color: col, Width: 2}
		if s.LineStyle != nil {
			ls.Type, ls.Width = s.LineStyle.Type, s.LineStyle.Width
		}
		if thin {
			ls.Width, ls.Opacity = 1, opts.Float(0.6)
			s.ShowSymbol = opts.Bool(false)
		}
		s.LineStyle = &ls
	}
	return line, nil
}

// palette gives one colour per dimension d in the figures that pair measured points with their
// theory curve (Figs. 2 and 3).
var palette = []string{"#5470c6", "#91cc75", "#ee6666", "#73c0de", "#fc8452", "#9a60b4", "#3ba272", "#ea7ccc"}

// PhiColors maps the series names of each PhiCurve (its points, Series, and its eq. (6) line,
// Line) to one colour per curve, for ColorByName.
func PhiColors(curves []PhiCurve) map[string]string {
	out := map[string]string{}
	for i, c := range curves {
		col := palette[i%len(palette)]
		out[c.Series().Name], out[c.Line().Name] = col, col
	}
	return out
}

// ExcessColors maps the series names of each ExcessCurve (f^e points and theory line) to one
// colour per curve, for ColorByName.
func ExcessColors(curves []ExcessCurve) map[string]string {
	out := map[string]string{}
	for i, c := range curves {
		for _, s := range c.Series() {
			out[s.Name] = palette[i%len(palette)]
		}
	}
	return out
}
