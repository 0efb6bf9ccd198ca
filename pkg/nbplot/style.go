package nbplot

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/go-echarts/go-echarts/v2/opts"
)

// The look shared by every nbplot chart: one palette, tick labels formatted by magnitude, the
// toolbox (save as image, data view) in a column at the right edge so that titles never run under
// it, legends that wrap, the full width of the cell.

// palette is echarts' default palette, used by every chart; series get explicit colours so that a
// series and its error bars always share one.
var palette = []string{"#5470c6", "#91cc75", "#fac858", "#ee6666", "#73c0de", "#3ba272", "#fc8452", "#9a60b4", "#ea7ccc"}

// refColor draws the reference lines (VLine, HLine).
const refColor = "#444"

// tickJS formats an axis tick by magnitude: at most 4 significant digits, exponent notation outside
// [1e-3, 1e4), so that float noise (0.009999999999999995, 0.30000000000000004) never shows.
const tickJS = `function (v) {
  if (typeof v !== 'number' || !isFinite(v)) { return String(v); }
  if (v === 0) { return '0'; }
  var a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) { return v.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e'); }
  return String(parseFloat(v.toPrecision(4)));
}`

// tickPlaceholder stands for tickJS in option JSON that nbplot marshals itself (Timeline).
const tickPlaceholder = "nbplot:tick-formatter"

// defaultHeight is the height of a chart in pixels; its width is the cell's (100%).
const defaultHeight = 460

// assumedWidth is the chart width, in pixels, that the layout (legend rows, reference-line labels)
// plans for: a notebook cell on a laptop screen.
const assumedWidth = 900

// axisLabel is the label option of every value or log axis.
func axisLabel() *opts.AxisLabel {
	return &opts.AxisLabel{Formatter: opts.FuncOpts(tickJS), HideOverlap: opts.Bool(true)}
}

// toolbox: save as image and a data view (the numbers behind the chart, to copy), plus extra
// features, in a column at the right edge.
func toolbox(extra func(*opts.ToolBoxFeature)) opts.Toolbox {
	f := &opts.ToolBoxFeature{
		SaveAsImage: &opts.ToolBoxFeatureSaveAsImage{Show: opts.Bool(true), Type: "png", Title: "save as image"},
		DataView:    &opts.ToolBoxFeatureDataView{Show: opts.Bool(true), Title: "data", Lang: []string{"data", "close", "refresh"}},
	}
	if extra != nil {
		extra(f)
	}
	return opts.Toolbox{Show: opts.Bool(true), Orient: "vertical", Right: "6", Top: "middle", Feature: f}
}

// toolboxMap is toolbox for option maps nbplot writes itself.
func toolboxMap() map[string]any {
	return map[string]any{"show": true, "orient": "vertical", "right": 6, "top": "middle", "feature": map[string]any{
		"saveAsImage": map[string]any{"show": true, "type": "png", "title": "save as image"},
		"dataView":    map[string]any{"show": true, "title": "data", "lang": []string{"data", "close", "refresh"}}}}
}

// textWidth estimates the width in pixels of a label at echarts' 12 px default font.
func textWidth(s string) float64 { return 7 * float64(len([]rune(s))) }

// legendRows estimates how many rows a plain (wrapping) legend of these names takes at assumedWidth.
func legendRows(names []string) int {
	rows, x := 1, 0.0
	avail := float64(assumedWidth - 80)
	for _, n := range names {
		w := 25 + 10 + textWidth(n)
		if x > 0 && x+w > avail {
			rows++
			x = 0
		}
		x += w
	}
	return rows
}

// labelSlots are the places a reference line's label can take along its line (echarts markLine
// label positions), tried in this order when neighbouring lines would put labels on one spot.
var labelSlots = []string{"insideEndTop", "insideEndBottom", "insideMiddleTop", "insideMiddleBottom", "insideStartTop", "insideStartBottom"}

// refSpot is where the label of reference line i goes: vertical or not, and the slot.
type refSpot struct {
	vertical bool
	slot     string
}

// placeLabels assigns a label slot to each reference line so that lines closer than a label's
// height (on the assumed plot size) never share a slot: the labels are staggered along the lines.
// frac maps a line's value to its position in [0, 1] across its axis.
func placeLabels(refs []refLine, fracX, fracY func(float64) float64) []refSpot {
	out := make([]refSpot, len(refs))
	for _, vertical := range []bool{true, false} {
		var idx []int
		for i, r := range refs {
			if r.vertical == vertical {
				idx = append(idx, i)
			}
		}
		frac, size := fracY, float64(defaultHeight-170) // plot height
		if vertical {
			frac, size = fracX, float64(assumedWidth-110) // plot width
		}
		sort.Slice(idx, func(a, b int) bool { return refs[idx[a]].at < refs[idx[b]].at })
		gap := 18 / size // a rotated label's height as a fraction of the axis
		for k, i := range idx {
			used := map[string]bool{}
			for _, j := range idx[:k] {
				if math.Abs(frac(refs[i].at)-frac(refs[j].at)) < gap {
					used[out[j].slot] = true
				}
			}
			slot := labelSlots[k%len(labelSlots)]
			for _, s := range labelSlots {
				if !used[s] {
					slot = s
					break
				}
			}
			out[i] = refSpot{vertical: vertical, slot: slot}
		}
	}
	return out
}

// axisFrac returns the map of a value to its position across an axis spanning [lo, hi].
func axisFrac(lo, hi float64, log bool) func(float64) float64 {
	if log {
		lo, hi = math.Log10(lo), math.Log10(hi)
	}
	return func(v float64) float64 {
		if log {
			v = math.Log10(v)
		}
		if hi <= lo {
			return 0
		}
		return (v - lo) / (hi - lo)
	}
}

// uniqueNames returns the distinct non-empty names in order (series sharing a name share one legend entry).
func uniqueNames(ss []Series) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if s.Name != "" && !seen[s.Name] {
			seen[s.Name] = true
			out = append(out, s.Name)
		}
	}
	return out
}

// resizeJS, in a chart's script, redraws the chart at its container's new width.
func resizeJS(id string) string {
	return `<script type="text/javascript">window.addEventListener("resize", function () { var el = document.getElementById("` +
		strings.ReplaceAll(id, `"`, ``) + `"); var c = el && window.echarts && echarts.getInstanceByDom(el); if (c) { c.resize(); } });</script>`
}

// cssWidth is a chart's CSS width: the cell's full width unless Size set pixels.
func cssWidth(px int) string {
	if px > 0 {
		return fmt.Sprintf("%dpx", px)
	}
	return "100%"
}

// tickRange widens [lo, hi] outwards to multiples of a 1-2-5 step giving 4 to 8 intervals, so that
// the first and last labels of a linear axis are ticks like the others (echarts puts a label at the
// exact data extent otherwise: "1.02" next to "1").
func tickRange(lo, hi float64) (l, h, step float64) {
	if lo == hi {
		d := math.Max(math.Abs(lo)*0.1, 0.5)
		lo, hi = lo-d, hi+d
	}
	raw := (hi - lo) / 6
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	step = 10 * p
	for _, m := range []float64{1, 2, 5} {
		if m*p >= raw {
			step = m * p
			break
		}
	}
	return math.Floor(lo/step+1e-9) * step, math.Ceil(hi/step-1e-9) * step, step
}
