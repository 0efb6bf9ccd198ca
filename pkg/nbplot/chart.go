package nbplot

import (
	"fmt"
	"math"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/render"
	"github.com/go-echarts/go-echarts/v2/types"
)

// Series is one named curve: points (X[i], Y[i]) and, when Err is not nil, an error bar
// Y[i] ± Err[i] at each point (the paper's figures use three standard errors).
type Series struct {
	Name string
	X, Y []float64
	Err  []float64 // optional half widths of the error bars, len(Err) == len(Y)
	// Dashed draws the line dashed and without markers: a theory curve next to measurements.
	Dashed bool
	// Points draws markers only (no connecting line) for this series.
	Points bool
	// Color ("#rrggbb" or a CSS name) overrides the palette for the line, markers and error bars.
	// Series that share a Name share one legend entry that toggles them together.
	Color string
	// Thin draws a thin translucent line without markers: many trajectories on one chart.
	Thin bool
}

type refLine struct {
	vertical bool
	at       float64
	label    string
}

// Chart is a line/scatter chart on value axes built from Series, with optional error bars and
// reference lines. Build it with Lines, Scatter or Histogram; options chain; Display shows it.
type Chart struct {
	title, xName, yName string
	series              []Series
	points              bool // every series drawn as markers
	step                bool // histogram: step lines with filled area
	refs                []refLine
	logX, logY          bool
	xMin, xMax          *float64
	yMin, yMax          *float64
	width, height       int
	err                 error
}

// Lines returns a chart of the series drawn as lines. Markers show the measured points: a series
// with error bars, or with at most maxMarked points; dashed (theory) and thin lines have none.
func Lines(title, xName, yName string, series []Series) *Chart {
	c := &Chart{title: title, xName: xName, yName: yName, height: defaultHeight}
	return c.Add(series...)
}

// Scatter returns a chart of the series drawn as markers only.
func Scatter(title, xName, yName string, series []Series) *Chart {
	c := Lines(title, xName, yName, series)
	c.points = true
	return c
}

// Add appends series (e.g. a theory curve over a histogram). A malformed series (X and Y, or Err and Y,
// of different lengths) makes the chart's Err, HTML and Display report it by name.
func (c *Chart) Add(series ...Series) *Chart {
	for _, s := range series {
		if c.err != nil {
			break
		}
		switch {
		case len(s.X) != len(s.Y):
			c.err = fmt.Errorf("nbplot: series %q: len(X)=%d != len(Y)=%d", s.Name, len(s.X), len(s.Y))
		case s.Err != nil && len(s.Err) != len(s.Y):
			c.err = fmt.Errorf("nbplot: series %q: len(Err)=%d != len(Y)=%d", s.Name, len(s.Err), len(s.Y))
		}
		c.series = append(c.series, s)
	}
	return c
}

// VLine draws a dashed vertical reference line at x = at, labelled label (e.g. VLine(1, "t/t_S = 1")).
func (c *Chart) VLine(at float64, label string) *Chart {
	c.refs = append(c.refs, refLine{vertical: true, at: at, label: label})
	return c
}

// HLine draws a dashed horizontal reference line at y = at, labelled label (e.g. HLine(0.775, "phi_c")).
func (c *Chart) HLine(at float64, label string) *Chart {
	c.refs = append(c.refs, refLine{at: at, label: label})
	return c
}

// LogX makes the x axis logarithmic (non-positive x values are then dropped).
func (c *Chart) LogX() *Chart { c.logX = true; return c }

// LogY makes the y axis logarithmic (non-positive y values are then dropped).
func (c *Chart) LogY() *Chart { c.logY = true; return c }

// XRange fixes the x axis range.
func (c *Chart) XRange(lo, hi float64) *Chart { c.xMin, c.xMax = &lo, &hi; return c }

// YRange fixes the y axis range.
func (c *Chart) YRange(lo, hi float64) *Chart { c.yMin, c.yMax = &lo, &hi; return c }

// maxMarked is the most points a line without error bars shows markers for.
const maxMarked = 40

// Size sets the chart size in pixels (default: the cell's full width, 460 pixels high).
func (c *Chart) Size(width, height int) *Chart {
	if width <= 0 || height <= 0 {
		c.err = fmt.Errorf("nbplot: Size(%d, %d): width and height must be positive", width, height)
		return c
	}
	c.width, c.height = width, height
	return c
}

// Err returns the first error met while building the chart, nil if none.
func (c *Chart) Err() error { return c.err }

// finite reports whether v can be plotted on an axis (log axes need v > 0).
func finite(v float64, log bool) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0) && (!log || v > 0)
}

// errorBarJS draws, for a data item [x, lo, hi], a vertical bar from lo to hi with caps.
const errorBarJS = `function (params, api) {
  var x = api.value(0), lo = api.coord([x, api.value(1)]), hi = api.coord([x, api.value(2)]);
  var w = 4, st = {stroke: api.visual('color'), lineWidth: 1.2, fill: null};
  return {type: 'group', children: [
    {type: 'line', shape: {x1: lo[0], y1: lo[1], x2: hi[0], y2: hi[1]}, style: st},
    {type: 'line', shape: {x1: lo[0] - w, y1: lo[1], x2: lo[0] + w, y2: lo[1]}, style: st},
    {type: 'line', shape: {x1: hi[0] - w, y1: hi[1], x2: hi[0] + w, y2: hi[1]}, style: st}]};
}`

// Echarts builds the go-echarts chart, for further customisation with go-echarts options.
func (c *Chart) Echarts() (*charts.Line, error) {
	if c.err != nil {
		return nil, c.err
	}
	if len(c.series) == 0 {
		return nil, fmt.Errorf("nbplot: chart %q has no series", c.title)
	}
	line := charts.NewLine()
	axisType := func(log bool) string {
		if log {
			return "log"
		}
		return "value"
	}
	xa := opts.XAxis{Type: axisType(c.logX), Name: c.xName, NameLocation: "middle", NameGap: 28, AxisLabel: axisLabel(),
		SplitLine: &opts.SplitLine{Show: opts.Bool(true)}, AxisLine: &opts.AxisLine{OnZero: opts.Bool(false)}}
	ya := opts.YAxis{Type: axisType(c.logY), Name: c.yName, NameLocation: "middle", NameGap: 52, AxisLabel: axisLabel(),
		Scale: opts.Bool(!c.step), AxisLine: &opts.AxisLine{Show: opts.Bool(true), OnZero: opts.Bool(false)}}
	if c.xMin != nil {
		xa.Min, xa.Max = *c.xMin, *c.xMax
	}
	if c.yMin != nil {
		ya.Min, ya.Max = *c.yMin, *c.yMax
	} else if lo, hi := c.yExtentWithBars(); !c.logY && !c.step && lo <= hi {
		l, h, step := tickRange(lo, hi)
		ya.Min, ya.Max, ya.MinInterval, ya.MaxInterval = l, h, step, step
	}
	width := "100%"
	if c.width > 0 {
		width = fmt.Sprintf("%dpx", c.width)
	}
	rows := legendRows(uniqueNames(c.series))
	line.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{Width: width, Height: fmt.Sprintf("%dpx", c.height)}),
		charts.WithColorsOpts(opts.Colors(palette)),
		charts.WithTitleOpts(opts.Title{Title: c.title, Left: "center", Top: "4"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "32", Left: "center", Width: "86%"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithGridOpts(opts.Grid{Top: fmt.Sprint(44 + 22*rows), Left: "72", Right: "56", Bottom: "92"}),
		charts.WithXAxisOpts(xa),
		charts.WithYAxisOpts(ya),
		charts.WithDataZoomOpts(
			opts.DataZoom{Type: "inside", XAxisIndex: []int{0}, FilterMode: "none"},
			opts.DataZoom{Type: "slider", XAxisIndex: []int{0}, FilterMode: "none"},
		),
		charts.WithToolboxOpts(toolbox(func(f *opts.ToolBoxFeature) {
			f.DataZoom = &opts.ToolBoxFeatureDataZoom{Show: opts.Bool(true)}
			f.Restore = &opts.ToolBoxFeatureRestore{Show: opts.Bool(true), Title: "reset zoom"}
		})),
	)
	for i, s := range c.series {
		color := palette[i%len(palette)]
		if s.Color != "" {
			color = s.Color
		}
		data := make([]opts.LineData, 0, len(s.X))
		var bars [][3]float64
		for j := range s.X {
			x, y := s.X[j], s.Y[j]
			if !finite(x, c.logX) || !finite(y, c.logY) {
				continue
			}
			data = append(data, opts.LineData{Value: [2]float64{x, y}})
			if s.Err != nil && finite(s.Err[j], false) {
				lo, hi := y-math.Abs(s.Err[j]), y+math.Abs(s.Err[j])
				if c.logY && lo <= 0 {
					lo = y / 10 // a log axis cannot show the bar's lower end: clip it at a decade
				}
				bars = append(bars, [3]float64{x, lo, hi})
			}
		}
		ls := opts.LineStyle{Color: color, Width: 2, Type: map[bool]string{true: "dashed", false: "solid"}[s.Dashed]}
		if s.Thin {
			ls.Width, ls.Opacity = 1, opts.Float(0.6)
		}
		so := []charts.SeriesOpts{
			charts.WithItemStyleOpts(opts.ItemStyle{Color: color}),
			charts.WithLineStyleOpts(ls),
		}
		if c.step {
			so = append(so, charts.WithLineChartOpts(opts.LineChart{Step: "middle", ShowSymbol: opts.Bool(false)}),
				charts.WithAreaStyleOpts(opts.AreaStyle{Opacity: opts.Float(0.25)}))
		} else {
			marked := !s.Dashed && !s.Thin && (s.Err != nil || len(data) <= maxMarked)
			so = append(so, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(marked)}))
		}
		line.AddSeries(s.Name, data, so...)
		if c.points || s.Points {
			line.MultiSeries[len(line.MultiSeries)-1].Type = types.ChartScatter
		}
		if len(bars) > 0 {
			eb := charts.SingleSeries{Name: s.Name, Type: types.ChartCustom, Data: bars,
				RenderItem: opts.FuncOpts(errorBarJS),
				Encode:     &opts.Encode{X: 0, Y: []int{1, 2}},
				ItemStyle:  &opts.ItemStyle{Color: color}}
			eb.InitSeriesDefaultOpts(line.BaseConfiguration)
			line.MultiSeries = append(line.MultiSeries, eb)
		}
	}
	if len(c.refs) > 0 {
		var items []interface{}
		for _, r := range c.refs {
			if !finite(r.at, (r.vertical && c.logX) || (!r.vertical && c.logY)) {
				return nil, fmt.Errorf("nbplot: chart %q: reference line at %v cannot be drawn on this axis", c.title, r.at)
			}
		}
		spots := c.labelSpots()
		for i, r := range c.refs {
			item := map[string]interface{}{"name": r.label,
				"label": map[string]interface{}{"formatter": r.label, "position": spots[i].slot,
					"backgroundColor": "rgba(255,255,255,0.8)", "padding": []int{1, 3}, "color": refColor}}
			if r.vertical {
				item["xAxis"] = r.at
			} else {
				item["yAxis"] = r.at
			}
			items = append(items, item)
		}
		first := &line.MultiSeries[0]
		first.MarkLines = &opts.MarkLines{Data: items, MarkLineStyle: opts.MarkLineStyle{
			Symbol: []string{"none", "none"}, LineStyle: &opts.LineStyle{Type: "dashed", Color: refColor, Width: 1.5}}}
	}
	return line, nil
}

// extent returns the range of the finite data and reference lines along x (or y), as plotted.
func (c *Chart) extent(x bool) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	log := map[bool]bool{true: c.logX, false: c.logY}[x]
	if x && c.xMin != nil {
		return *c.xMin, *c.xMax
	}
	if !x && c.yMin != nil {
		return *c.yMin, *c.yMax
	}
	for _, s := range c.series {
		vs := s.Y
		if x {
			vs = s.X
		}
		for _, v := range vs {
			if finite(v, log) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	for _, r := range c.refs {
		if r.vertical == x && finite(r.at, log) {
			lo, hi = math.Min(lo, r.at), math.Max(hi, r.at)
		}
	}
	return lo, hi
}

// yExtentWithBars is the range of the plotted y values, error bars and horizontal lines (lo > hi if none).
func (c *Chart) yExtentWithBars() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, s := range c.series {
		for j := range s.Y {
			if !finite(s.X[j], c.logX) || !finite(s.Y[j], false) {
				continue
			}
			e := 0.0
			if s.Err != nil && finite(s.Err[j], false) {
				e = math.Abs(s.Err[j])
			}
			lo, hi = math.Min(lo, s.Y[j]-e), math.Max(hi, s.Y[j]+e)
		}
	}
	for _, r := range c.refs {
		if !r.vertical && finite(r.at, false) {
			lo, hi = math.Min(lo, r.at), math.Max(hi, r.at)
		}
	}
	return lo, hi
}

// labelSpots returns where each reference line's label goes (placeLabels on this chart's axes).
func (c *Chart) labelSpots() []refSpot {
	x0, x1 := c.extent(true)
	y0, y1 := c.extent(false)
	return placeLabels(c.refs, axisFrac(x0, x1, c.logX), axisFrac(y0, y1, c.logY))
}

// Snippet returns the chart's HTML fragment (container div and script) without the echarts bundle.
func (c *Chart) Snippet() (string, error) {
	line, err := c.Echarts()
	if err != nil {
		return "", err
	}
	return SnippetOf(line)
}

// HTML returns a self-contained HTML fragment: the echarts bundle followed by the chart.
func (c *Chart) HTML() (string, error) { return withBundle(c) }

// Display shows the chart as the output of the current GoNB cell (the bundle is sent with the first
// chart of the kernel session). Errors are shown in the cell's output and returned.
func (c *Chart) Display() error { return display(c) }

// SnippetOf renders any go-echarts chart (render.Renderer) to its HTML fragment without the bundle.
// A guard shows a readable message in place of the chart if echarts is missing from the page.
func SnippetOf(r render.Renderer) (s string, err error) {
	defer func() { // go-echarts panics on template errors: report them instead
		if p := recover(); p != nil {
			err = fmt.Errorf("nbplot: rendering chart: %v", p)
		}
	}()
	snip := r.RenderSnippet()
	return wrapSnippet(chartID(snip.Element), snip.Element, snip.Script), nil
}

// wrapSnippet puts a chart's container element and script in nbplot's wrapper div, with a guard
// between them that shows a readable message in the container id if echarts is missing.
func wrapSnippet(id, element, script string) string {
	var b strings.Builder
	b.WriteString(`<div class="nbplot-chart">`)
	b.WriteString(element)
	if id != "" {
		fmt.Fprintf(&b, `<script type="text/javascript">if(!window.echarts){document.getElementById(%q).innerHTML=`+
			`'<pre style="color:#b00">nbplot: echarts is not loaded on this page: re-run the notebook, or call nbplot.ResetBundle() and re-run this cell</pre>';}</script>`, id)
	}
	b.WriteString(script)
	if id != "" {
		b.WriteString(resizeJS(id))
	}
	b.WriteString("</div>\n")
	return b.String()
}

// chartID extracts the id of go-echarts' container div.
func chartID(element string) string {
	const key = `id="`
	i := strings.Index(element, key)
	if i < 0 {
		return ""
	}
	rest := element[i+len(key):]
	j := strings.IndexByte(rest, '"')
	if j < 0 {
		return ""
	}
	return rest[:j]
}

// Display shows any go-echarts chart inline in the current GoNB cell.
func Display(r render.Renderer) error { return display(rendererItem{r}) }

// Renderer wraps any go-echarts chart as a page Item.
func Renderer(r render.Renderer) Item { return rendererItem{r} }

type rendererItem struct{ r render.Renderer }

func (ri rendererItem) Snippet() (string, error) { return SnippetOf(ri.r) }
