package nbplot

import (
	"fmt"
	"math"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Heatmap is a colour map of z[i][j] at (xs[j], ys[i]), with a continuous colour scale.
type Heatmap struct {
	title, xName, yName string
	xs, ys              []float64
	z                   [][]float64
	width, height       int
	err                 error
}

// NewHeatmap returns a heatmap of z[i][j] at (xs[j], ys[i]); len(z) == len(ys), len(z[i]) == len(xs).
// Non-finite cells are left blank.
func NewHeatmap(title, xName, yName string, xs, ys []float64, z [][]float64) *Heatmap {
	h := &Heatmap{title: title, xName: xName, yName: yName, xs: xs, ys: ys, z: z, width: 700, height: 560}
	if len(xs) == 0 || len(ys) == 0 {
		h.err = fmt.Errorf("nbplot: heatmap %q: empty axes (len(xs)=%d, len(ys)=%d)", title, len(xs), len(ys))
		return h
	}
	if len(z) != len(ys) {
		h.err = fmt.Errorf("nbplot: heatmap %q: len(z)=%d != len(ys)=%d", title, len(z), len(ys))
		return h
	}
	for i, row := range z {
		if len(row) != len(xs) {
			h.err = fmt.Errorf("nbplot: heatmap %q: len(z[%d])=%d != len(xs)=%d", title, i, len(row), len(xs))
			return h
		}
	}
	return h
}

// Size sets the heatmap size in pixels (default 700 x 560).
func (h *Heatmap) Size(width, height int) *Heatmap {
	if width <= 0 || height <= 0 {
		h.err = fmt.Errorf("nbplot: Size(%d, %d): width and height must be positive", width, height)
		return h
	}
	h.width, h.height = width, height
	return h
}

// Err returns the first error met while building the heatmap, nil if none.
func (h *Heatmap) Err() error { return h.err }

func axisLabels(vs []float64) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = strconv.FormatFloat(v, 'g', 4, 64)
	}
	return out
}

// Echarts builds the go-echarts heatmap for further customisation.
func (h *Heatmap) Echarts() (*charts.HeatMap, error) {
	if h.err != nil {
		return nil, h.err
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	data := make([]opts.HeatMapData, 0, len(h.xs)*len(h.ys))
	for i, row := range h.z {
		for j, v := range row {
			if !finite(v, false) {
				continue
			}
			lo, hi = math.Min(lo, v), math.Max(hi, v)
			data = append(data, opts.HeatMapData{Value: [3]interface{}{j, i, v}})
		}
	}
	if lo > hi {
		return nil, fmt.Errorf("nbplot: heatmap %q: no finite values", h.title)
	}
	if lo == hi {
		hi = lo + 1
	}
	hm := charts.NewHeatMap()
	hm.SetGlobalOptions(
		charts.WithInitializationOpts(opts.Initialization{Width: fmt.Sprintf("%dpx", h.width), Height: fmt.Sprintf("%dpx", h.height)}),
		charts.WithTitleOpts(opts.Title{Title: h.title, Left: "center"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true)}),
		charts.WithGridOpts(opts.Grid{Top: "50", Left: "80", Right: "120", Bottom: "60"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Name: h.xName, NameLocation: "middle", NameGap: 30, Data: axisLabels(h.xs)}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Name: h.yName, NameLocation: "middle", NameGap: 55, Data: axisLabels(h.ys)}),
		charts.WithVisualMapOpts(opts.VisualMap{Type: "continuous", Calculable: opts.Bool(true), Min: float32(lo), Max: float32(hi),
			Right: "40", Top: "middle", InRange: &opts.VisualMapInRange{Color: []string{"#313695", "#4575b4", "#74add1", "#abd9e9", "#e0f3f8", "#ffffbf", "#fee090", "#fdae61", "#f46d43", "#d73027", "#a50026"}}}),
		charts.WithToolboxOpts(toolbox(nil)),
	)
	hm.SetXAxis(axisLabels(h.xs))
	hm.AddSeries(h.title, data)
	return hm, nil
}

// Snippet returns the heatmap's HTML fragment without the echarts bundle.
func (h *Heatmap) Snippet() (string, error) {
	hm, err := h.Echarts()
	if err != nil {
		return "", err
	}
	return SnippetOf(hm)
}

// HTML returns a self-contained HTML fragment: the echarts bundle followed by the heatmap.
func (h *Heatmap) HTML() (string, error) { return withBundle(h) }

// Display shows the heatmap in the current GoNB cell.
func (h *Heatmap) Display() error { return display(h) }
