package nbplot

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// timelineOption extracts and decodes the echarts option a timeline snippet passes to setOption.
func timelineOption(t *testing.T, snippet string) map[string]any {
	t.Helper()
	const open, end = "chart.setOption(", ");\n  var tl"
	i, j := strings.Index(snippet, open), strings.Index(snippet, end)
	if i < 0 || j < i {
		t.Fatalf("no setOption call in snippet:\n%s", snippet)
	}
	js := snippet[i+len(open) : j]
	if n := strings.Count(js, tickJS); n != 2 {
		t.Errorf("the option holds the tick formatter %d times, want 2 (x and y axes)", n)
	}
	js = strings.ReplaceAll(js, tickJS, `"`+tickPlaceholder+`"`) // the one function in the JSON
	var opt map[string]any
	if err := json.Unmarshal([]byte(js), &opt); err != nil {
		t.Fatalf("option is not JSON: %v", err)
	}
	return opt
}

func demoTimeline() *TimelineChart {
	q := []float64{-2, -1, 0, 1, 2}
	var frames []Frame
	for i, a := range []float64{0.5, 1, 2} {
		y := make([]float64, len(q))
		for j, x := range q {
			y[j] = a*x*x - 1
		}
		frames = append(frames, Frame{Label: []string{"a = 0.5", "a = 1", "a = 2"}[i], Tick: []string{"0.5", "1", "2"}[i],
			Series: []Series{{Name: "parabola", X: q, Y: y}, {Name: "line", X: q, Y: []float64{a, a, a, a, a}, Points: true}}})
	}
	return Timeline("T", "q", "V", frames).Static(Series{Name: "ref", X: q, Y: []float64{0, 0, 0, 0, 0}, Dashed: true, Color: "#444"})
}

func TestTimelineJSON(t *testing.T) {
	s, err := demoTimeline().Snippet()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s, `<div class="nbplot-chart"><div class="container">`) || !strings.Contains(s, `data-nbplot-frames="3"`) ||
		!strings.Contains(s, "nbplot: echarts is not loaded") || strings.Contains(s, wrapper) {
		t.Errorf("snippet must be nbplot's container with the guard and no bundle:\n%.400s", s)
	}
	opt := timelineOption(t, s)
	base := opt["baseOption"].(map[string]any)
	frames := opt["options"].([]any)
	if len(frames) != 3 {
		t.Fatalf("%d frame options, want 3", len(frames))
	}
	tl := base["timeline"].(map[string]any)
	if got := tl["data"].([]any); len(got) != 3 || got[0] != "0.5" || got[2] != "2" {
		t.Errorf("timeline ticks %v, want [0.5 1 2]", got)
	}
	if tl["axisType"] != "category" || tl["autoPlay"] != false || tl["playInterval"] != 400.0 || tl["currentIndex"] != 0.0 {
		t.Errorf("timeline options %v", tl)
	}
	// Axis ranges: fixed in the base option from all frames (x in [-2, 2], y in [-1, 7]), rounded
	// outwards, and never set per frame.
	xa, ya := base["xAxis"].(map[string]any), base["yAxis"].(map[string]any)
	if xa["min"] != -2.0 || xa["max"] != 2.0 || ya["min"] != -1.0 || ya["max"] != 7.0 {
		t.Errorf("axis ranges x [%v, %v], y [%v, %v]; want [-2, 2], [-1, 7]", xa["min"], xa["max"], ya["min"], ya["max"])
	}
	// Base series: the two frame series (styles, no data) then the static one (with data).
	bs := base["series"].([]any)
	if len(bs) != 3 {
		t.Fatalf("%d base series, want 3", len(bs))
	}
	for k, want := range []struct{ id, name, typ string }{{"frame-0", "parabola", "line"}, {"frame-1", "line", "scatter"}, {"static-0", "ref", "line"}} {
		b := bs[k].(map[string]any)
		if b["id"] != want.id || b["name"] != want.name || b["type"] != want.typ {
			t.Errorf("base series %d = %v %v %v, want %v", k, b["id"], b["name"], b["type"], want)
		}
		if _, has := b["data"]; has != (k == 2) {
			t.Errorf("base series %d: data present = %v, want only for the static series", k, has)
		}
	}
	if ls := bs[2].(map[string]any)["lineStyle"].(map[string]any); ls["type"] != "dashed" || ls["color"] != "#444" {
		t.Errorf("static series style %v, want dashed #444", ls)
	}
	for i, f := range frames {
		fo := f.(map[string]any)
		if _, has := fo["xAxis"]; has {
			t.Errorf("frame %d sets the x axis: ranges must be fixed", i)
		}
		if sub := fo["title"].(map[string]any)["subtext"]; sub != []string{"a = 0.5", "a = 1", "a = 2"}[i] {
			t.Errorf("frame %d label %v", i, sub)
		}
		ss := fo["series"].([]any)
		if len(ss) != 2 {
			t.Fatalf("frame %d has %d series, want 2", i, len(ss))
		}
		for k, x := range ss {
			m := x.(map[string]any)
			if m["id"] != []string{"frame-0", "frame-1"}[k] || len(m["data"].([]any)) != 5 {
				t.Errorf("frame %d series %d: id %v, %d points", i, k, m["id"], len(m["data"].([]any)))
			}
		}
		a := []float64{0.5, 1, 2}[i]
		last := ss[0].(map[string]any)["data"].([]any)[4].([]any)
		if last[0] != 2.0 || last[1] != 4*a-1 {
			t.Errorf("frame %d: last point %v, want [2, %v]", i, last, 4*a-1)
		}
	}
}

func TestTimelineOptions(t *testing.T) {
	c := demoTimeline().XRange(-3, 3).YRange(-5, 10).Start(2).Size(600, 400).PlayInterval(250e6)
	s, err := c.Snippet()
	if err != nil {
		t.Fatal(err)
	}
	opt := timelineOption(t, s)
	base := opt["baseOption"].(map[string]any)
	xa, ya, tl := base["xAxis"].(map[string]any), base["yAxis"].(map[string]any), base["timeline"].(map[string]any)
	if xa["min"] != -3.0 || xa["max"] != 3.0 || ya["min"] != -5.0 || ya["max"] != 10.0 {
		t.Errorf("set ranges not used: x [%v, %v], y [%v, %v]", xa["min"], xa["max"], ya["min"], ya["max"])
	}
	if tl["currentIndex"] != 2.0 || tl["playInterval"] != 250.0 || !strings.Contains(s, "width:600px;height:400px;") {
		t.Errorf("Start/PlayInterval/Size not applied: %v", tl)
	}
	// Labels are JSON inside <script>: a "</script>" in a label must not end the element.
	h, err := Timeline("T", "x", "y", []Frame{{Label: "</script><b>", Series: []Series{{Name: "a", X: []float64{1}, Y: []float64{1}}}}}).Snippet()
	if err != nil || strings.Contains(h, "</script><b>") {
		t.Errorf("label not escaped: %v\n%s", err, h)
	}
	if o := timelineOption(t, h); o["options"].([]any)[0].(map[string]any)["title"].(map[string]any)["subtext"] != "</script><b>" {
		t.Error("escaped label must decode to itself")
	}
}

func TestTimelineErrors(t *testing.T) {
	x, y := []float64{1, 2}, []float64{3, 4}
	fr := func(label string, ss ...Series) Frame { return Frame{Label: label, Series: ss} }
	ok := Series{Name: "a", X: x, Y: y}
	for name, tc := range map[string]struct {
		err  error
		want string
	}{
		"noframes": {Timeline("T", "x", "y", nil).Err(), `timeline "T": no frames`},
		"noseries": {Timeline("T", "x", "y", []Frame{fr("f0")}).Err(), `frame 0 ("f0") has no series`},
		"len":      {Timeline("T", "x", "y", []Frame{fr("f0", ok), fr("f1", Series{Name: "a", X: x, Y: y[:1]})}).Err(), `frame 1 ("f1") series "a": len(X)=2 != len(Y)=1`},
		"count":    {Timeline("T", "x", "y", []Frame{fr("f0", ok), fr("f1", ok, ok)}).Err(), `frame 1 ("f1") has 2 series, frame 0 has 1`},
		"names":    {Timeline("T", "x", "y", []Frame{fr("f0", ok), fr("f1", Series{Name: "b", X: x, Y: y})}).Err(), `series 0 is named "b", in frame 0 "a"`},
		"nan":      {Timeline("T", "x", "y", []Frame{fr("f0", ok), fr("f1", Series{Name: "a", X: x, Y: []float64{1, math.NaN()}})}).Err(), `frame 1 ("f1") series "a": Y[1] = NaN is not finite`},
		"inf":      {Timeline("T", "x", "y", []Frame{fr("f0", Series{Name: "a", X: []float64{math.Inf(-1), 1}, Y: y})}).Err(), `X[0] = -Inf is not finite`},
		"errbars":  {Timeline("T", "x", "y", []Frame{fr("f0", Series{Name: "a", X: x, Y: y, Err: y})}).Err(), "error bars"},
		"static":   {Timeline("T", "x", "y", []Frame{fr("f0", ok)}).Static(Series{Name: "r", X: x, Y: []float64{0, math.Inf(1)}}).Err(), `static series "r": Y[1] = +Inf`},
		"xrange":   {Timeline("T", "x", "y", []Frame{fr("f0", ok)}).XRange(1, 1).Err(), "XRange(1, 1)"},
		"yrange":   {Timeline("T", "x", "y", []Frame{fr("f0", ok)}).YRange(math.NaN(), 1).Err(), "YRange(NaN, 1)"},
		"start":    {Timeline("T", "x", "y", []Frame{fr("f0", ok)}).Start(1).Err(), "Start(1): want 0 <= i < 1 frames"},
		"size":     {Timeline("T", "x", "y", []Frame{fr("f0", ok)}).Size(-1, 5).Err(), "Size(-1, 5)"},
		"interval": {Timeline("T", "x", "y", []Frame{fr("f0", ok)}).PlayInterval(0).Err(), "PlayInterval(0s)"},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", name, tc.err, tc.want)
		}
	}
	bad := Timeline("T", "x", "y", nil)
	if _, err := bad.Snippet(); err == nil {
		t.Error("Snippet must report the error")
	}
	if err := bad.Display(); err == nil {
		t.Error("Display must report the error outside a notebook too")
	}
}

func TestNiceRange(t *testing.T) {
	for _, tc := range []struct{ lo, hi, wlo, whi float64 }{
		{-1, 7, -1, 7}, {-21.3, 31.6, -25, 35}, {0.013, 0.91, 0, 0.95}, {3, 3, 2.5, 3.5}, {-8, 8, -8, 8},
	} {
		if lo, hi := niceRange(tc.lo, tc.hi); math.Abs(lo-tc.wlo) > 1e-12 || math.Abs(hi-tc.whi) > 1e-12 {
			t.Errorf("niceRange(%v, %v) = [%v, %v], want [%v, %v]", tc.lo, tc.hi, lo, hi, tc.wlo, tc.whi)
		}
	}
}
