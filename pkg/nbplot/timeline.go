package nbplot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/go-echarts/go-echarts/v2/util"
)

// Frame is one step of a Timeline: the series drawn while the slider is on it.
type Frame struct {
	// Label is shown under the title while the frame is on, e.g. "t = 1.23 (t/t_S = 0.50)".
	Label string
	// Tick is the frame's mark on the slider (e.g. "0.50"); Label when empty.
	Tick string
	// Series are the curves of this frame. Every frame has the same number of series with the same
	// names; styles (Dashed, Points, Color, Thin) are taken from the first frame.
	Series []Series
}

// TimelineChart is a line chart with an echarts timeline: a slider under the plot, with play/pause,
// that shows one Frame at a time over fixed axes, so that the eye compares frames. Build it with
// Timeline; options chain; Display shows it.
//
// Unlike Lines, which drops non-finite points, a timeline rejects them: its axis ranges come from
// the data of every frame, and a point missing from one frame would look like a feature.
type TimelineChart struct {
	title, xName, yName string
	frames              []Frame
	static              []Series
	xMin, xMax          *float64
	yMin, yMax          *float64
	width, height       int
	interval            time.Duration
	start               int
	err                 error
}

// Timeline returns a chart that shows one frame at a time, chosen with a slider (echarts timeline):
// one frame per value of a parameter, e.g. the time t of V(q, t). The axis ranges are fixed across
// frames: by default they span the data of all frames (and Static series), rounded outwards.
// Data are written with 6 significant digits, which keeps a page of many frames small.
// Input errors (no frames, series of different lengths or names across frames, non-finite values)
// are reported by Err, Snippet, HTML and Display, naming the frame and series.
func Timeline(title, xName, yName string, frames []Frame) *TimelineChart {
	c := &TimelineChart{title: title, xName: xName, yName: yName, frames: frames,
		height: 540, interval: 400 * time.Millisecond}
	if len(frames) == 0 {
		c.err = fmt.Errorf("nbplot: timeline %q: no frames", title)
		return c
	}
	first := frames[0].Series
	if len(first) == 0 {
		c.err = fmt.Errorf("nbplot: timeline %q: frame 0 (%q) has no series", title, frames[0].Label)
		return c
	}
	for i, f := range frames {
		if len(f.Series) != len(first) {
			c.err = fmt.Errorf("nbplot: timeline %q: frame %d (%q) has %d series, frame 0 has %d",
				title, i, f.Label, len(f.Series), len(first))
			return c
		}
		for k, s := range f.Series {
			if s.Name != first[k].Name {
				c.err = fmt.Errorf("nbplot: timeline %q: frame %d (%q): series %d is named %q, in frame 0 %q",
					title, i, f.Label, k, s.Name, first[k].Name)
				return c
			}
			where := fmt.Sprintf("frame %d (%q) series %q", i, f.Label, s.Name)
			if c.err = c.checkSeries(where, s); c.err != nil {
				return c
			}
		}
	}
	return c
}

// checkSeries validates one series: matching lengths, finite values, no error bars.
func (c *TimelineChart) checkSeries(where string, s Series) error {
	switch {
	case len(s.X) != len(s.Y):
		return fmt.Errorf("nbplot: timeline %q: %s: len(X)=%d != len(Y)=%d", c.title, where, len(s.X), len(s.Y))
	case s.Err != nil:
		return fmt.Errorf("nbplot: timeline %q: %s: error bars (Err) are not drawn in a timeline", c.title, where)
	}
	for j := range s.X {
		if !finite(s.X[j], false) {
			return fmt.Errorf("nbplot: timeline %q: %s: X[%d] = %v is not finite", c.title, where, j, s.X[j])
		}
		if !finite(s.Y[j], false) {
			return fmt.Errorf("nbplot: timeline %q: %s: Y[%d] = %v is not finite", c.title, where, j, s.Y[j])
		}
	}
	return nil
}

// Static adds series drawn in every frame and left unchanged by the slider (e.g. a dashed reference
// curve at one value of the parameter).
func (c *TimelineChart) Static(series ...Series) *TimelineChart {
	for _, s := range series {
		if c.err != nil {
			break
		}
		c.err = c.checkSeries(fmt.Sprintf("static series %q", s.Name), s)
		c.static = append(c.static, s)
	}
	return c
}

// XRange fixes the x axis range (default: the data of every frame, rounded outwards).
func (c *TimelineChart) XRange(lo, hi float64) *TimelineChart {
	if c.err == nil && !(finite(lo, false) && finite(hi, false) && lo < hi) {
		c.err = fmt.Errorf("nbplot: timeline %q: XRange(%v, %v): want finite lo < hi", c.title, lo, hi)
	}
	c.xMin, c.xMax = &lo, &hi
	return c
}

// YRange fixes the y axis range (default: the data of every frame, rounded outwards).
func (c *TimelineChart) YRange(lo, hi float64) *TimelineChart {
	if c.err == nil && !(finite(lo, false) && finite(hi, false) && lo < hi) {
		c.err = fmt.Errorf("nbplot: timeline %q: YRange(%v, %v): want finite lo < hi", c.title, lo, hi)
	}
	c.yMin, c.yMax = &lo, &hi
	return c
}

// Size sets the chart size in pixels, slider included (default: the cell's full width, 540 pixels high).
func (c *TimelineChart) Size(width, height int) *TimelineChart {
	if width <= 0 || height <= 0 {
		c.err = fmt.Errorf("nbplot: Size(%d, %d): width and height must be positive", width, height)
		return c
	}
	c.width, c.height = width, height
	return c
}

// PlayInterval sets the time each frame stays on while playing (default 400 ms).
func (c *TimelineChart) PlayInterval(d time.Duration) *TimelineChart {
	if d < time.Millisecond {
		c.err = fmt.Errorf("nbplot: timeline %q: PlayInterval(%v): want >= 1ms", c.title, d)
		return c
	}
	c.interval = d
	return c
}

// Start selects the frame shown first (default 0).
func (c *TimelineChart) Start(i int) *TimelineChart {
	if c.err == nil && (i < 0 || i >= len(c.frames)) {
		c.err = fmt.Errorf("nbplot: timeline %q: Start(%d): want 0 <= i < %d frames", c.title, i, len(c.frames))
	}
	c.start = i
	return c
}

// Err returns the first error met while building the chart, nil if none.
func (c *TimelineChart) Err() error { return c.err }

// Frames returns the number of frames.
func (c *TimelineChart) Frames() int { return len(c.frames) }

// num is a float written with 6 significant digits: far below a pixel, and it keeps a page of
// many frames small.
type num float64

func (v num) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, float64(v), 'g', 6, 64), nil
}

// points returns the series as echarts [x, y] pairs.
func points(s Series) [][2]num {
	out := make([][2]num, len(s.X))
	for j := range s.X {
		out[j] = [2]num{num(s.X[j]), num(s.Y[j])}
	}
	return out
}

// niceRange widens [lo, hi] outwards to multiples of a 1-2-5 step of about a twentieth of its width.
func niceRange(lo, hi float64) (float64, float64) {
	if lo == hi {
		d := math.Max(math.Abs(lo)*0.1, 0.5)
		lo, hi = lo-d, hi+d
	}
	raw := (hi - lo) / 20
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * p
	for _, m := range []float64{1, 2, 5} {
		if m*p >= raw {
			step = m * p
			break
		}
	}
	return math.Floor(lo/step) * step, math.Ceil(hi/step) * step
}

// ranges returns the fixed axis ranges: the ones set, else the data of all frames, rounded.
func (c *TimelineChart) ranges() (x0, x1, y0, y1 float64) {
	x0, y0 = math.Inf(1), math.Inf(1)
	x1, y1 = math.Inf(-1), math.Inf(-1)
	add := func(s Series) {
		for j := range s.X {
			x0, x1 = math.Min(x0, s.X[j]), math.Max(x1, s.X[j])
			y0, y1 = math.Min(y0, s.Y[j]), math.Max(y1, s.Y[j])
		}
	}
	for _, f := range c.frames {
		for _, s := range f.Series {
			add(s)
		}
	}
	for _, s := range c.static {
		add(s)
	}
	if x0 > x1 { // no points at all
		x0, x1, y0, y1 = 0, 1, 0, 1
	}
	x0, x1 = niceRange(x0, x1)
	y0, y1 = niceRange(y0, y1)
	if c.xMin != nil {
		x0, x1 = *c.xMin, *c.xMax
	}
	if c.yMin != nil {
		y0, y1 = *c.yMin, *c.yMax
	}
	return x0, x1, y0, y1
}

// seriesStyle is the base option of one series: its type, name, id and style, no data.
func seriesStyle(s Series, id string, color string) map[string]any {
	if s.Color != "" {
		color = s.Color
	}
	ls := map[string]any{"color": color, "width": 2, "type": "solid"}
	if s.Dashed {
		ls["type"] = "dashed"
	}
	if s.Thin {
		ls["width"], ls["opacity"] = 1, 0.6
	}
	out := map[string]any{"id": id, "name": s.Name, "type": "line", "lineStyle": ls,
		"itemStyle": map[string]any{"color": color}, "showSymbol": false, "animationDurationUpdate": 250}
	if s.Points {
		out["type"], out["symbolSize"] = "scatter", 6
	}
	return out
}

// option returns the echarts option: a baseOption (axes, legend, the timeline and the series'
// styles, with the data of the static series) and one option per frame (its label and the data of
// its series, matched to the base series by id).
func (c *TimelineChart) option() (map[string]any, error) {
	if c.err != nil {
		return nil, c.err
	}
	x0, x1, y0, y1 := c.ranges()
	nf := len(c.frames[0].Series)
	var base []map[string]any
	for k, s := range c.frames[0].Series {
		base = append(base, seriesStyle(s, fmt.Sprintf("frame-%d", k), palette[k%len(palette)]))
	}
	for k, s := range c.static {
		st := seriesStyle(s, fmt.Sprintf("static-%d", k), palette[(nf+k)%len(palette)])
		st["data"] = points(s)
		base = append(base, st)
	}
	ticks := make([]string, len(c.frames))
	options := make([]map[string]any, len(c.frames))
	for i, f := range c.frames {
		ticks[i] = f.Tick
		if ticks[i] == "" {
			ticks[i] = f.Label
		}
		ss := make([]map[string]any, nf)
		for k, s := range f.Series {
			ss[k] = map[string]any{"id": fmt.Sprintf("frame-%d", k), "data": points(s)}
		}
		options[i] = map[string]any{"title": map[string]any{"subtext": f.Label}, "series": ss}
	}
	axis := func(name string, lo, hi float64, gap int) map[string]any {
		return map[string]any{"type": "value", "name": name, "nameLocation": "middle", "nameGap": gap,
			"min": lo, "max": hi, "splitLine": map[string]any{"show": true},
			"axisLabel": map[string]any{"formatter": tickPlaceholder, "hideOverlap": true},
			"axisLine":  map[string]any{"show": true, "onZero": false}}
	}
	baseOption := map[string]any{
		"timeline": map[string]any{
			"axisType": "category", "data": ticks, "currentIndex": c.start,
			"autoPlay": false, "loop": true, "playInterval": c.interval.Milliseconds(),
			"left": 50, "right": 50, "bottom": 6, "height": 44,
			"label":           map[string]any{"interval": "auto"},
			"checkpointStyle": map[string]any{"animationDuration": 200},
		},
		"title": map[string]any{"text": c.title, "left": "center", "itemGap": 6,
			"subtextStyle": map[string]any{"fontSize": 14, "color": "#333"}},
		"color":   palette,
		"legend":  map[string]any{"show": true, "top": 50, "left": "center", "width": "86%"},
		"tooltip": map[string]any{"show": true, "trigger": "axis"},
		"grid":    map[string]any{"top": 70 + 22*legendRows(append(uniqueNames(c.frames[0].Series), uniqueNames(c.static)...)), "left": 72, "right": 56, "bottom": 100},
		"xAxis":   axis(c.xName, x0, x1, 26),
		"yAxis":   axis(c.yName, y0, y1, 50),
		"toolbox": toolboxMap(),
		"series":  base,
	}
	return map[string]any{"baseOption": baseOption, "options": options}, nil
}

// Snippet returns the chart's HTML fragment (container div and script) without the echarts bundle.
// The container carries data-nbplot-frames (the number of frames); once echarts has drawn the
// chart, the script sets data-nbplot-timeline to the number of frames echarts' timeline holds.
func (c *TimelineChart) Snippet() (string, error) {
	opt, err := c.option()
	if err != nil {
		return "", err
	}
	js, err := json.Marshal(opt) // escapes <, > and &: safe inside <script>
	if err != nil {
		return "", fmt.Errorf("nbplot: timeline %q: %w", c.title, err)
	}
	js = bytes.ReplaceAll(js, []byte(`"`+tickPlaceholder+`"`), []byte(tickJS))
	id := util.GenerateUniqueID()
	element := fmt.Sprintf("<div class=\"container\">\n    <div class=\"item\" id=\"%s\" data-nbplot-frames=\"%d\" "+
		"style=\"width:%s;height:%dpx;\"></div>\n</div>", id, len(c.frames), cssWidth(c.width), c.height)
	var s strings.Builder
	s.WriteString("<script type=\"text/javascript\">\n(function () {\n  \"use strict\";\n")
	fmt.Fprintf(&s, "  var el = document.getElementById(%q);\n  if (!window.echarts || !el) { return; }\n", id)
	s.WriteString("  var chart = echarts.init(el, null, {renderer: \"canvas\"});\n  chart.setOption(")
	s.Write(js)
	s.WriteString(");\n  var tl = chart.getOption().timeline;\n")
	s.WriteString("  el.setAttribute(\"data-nbplot-timeline\", tl && tl[0] && tl[0].data ? tl[0].data.length : 0);\n")
	s.WriteString("})();\n</script>\n")
	return wrapSnippet(id, element, s.String()), nil
}

// HTML returns a self-contained HTML fragment: the echarts bundle followed by the chart.
func (c *TimelineChart) HTML() (string, error) { return withBundle(c) }

// Display shows the chart in the current GoNB cell (the bundle is sent with the first chart of the
// kernel session). Errors are shown in the cell's output and returned.
func (c *TimelineChart) Display() error { return display(c) }
