package nbplot

import (
	"encoding/json"
	"fmt"
	"math"
	"os/exec"
	"strings"
	"testing"

	"github.com/go-echarts/go-echarts/v2/opts"
)

// goCharts are one chart of each go-echarts-backed kind, on linear and log axes.
func goCharts() map[string]*Chart {
	x := []float64{0.01, 0.1, 1, 10}
	y := []float64{1e-3, 0.3, 0.30000000000000004, 2}
	s := []Series{{Name: "m", X: x, Y: y}}
	return map[string]*Chart{
		"lines":     Lines("L", "x", "y", s),
		"loglog":    Lines("L", "x", "y", s).LogX().LogY(),
		"scatter":   Scatter("S", "x", "y", s).LogX(),
		"histogram": Histogram("H", "x", 5, []Sample{{Name: "a", Values: y}}),
	}
}

// TestEveryAxisFormatted fails when an axis of a chart lacks the tick formatter.
func TestEveryAxisFormatted(t *testing.T) {
	want := opts.FuncOpts(tickJS)
	for name, c := range goCharts() {
		line, err := c.Echarts()
		if err != nil {
			t.Fatal(err)
		}
		for i, a := range line.XAxisList {
			if a.AxisLabel == nil || a.AxisLabel.Formatter != want {
				t.Errorf("%s: x axis %d has no tick formatter", name, i)
			}
		}
		for i, a := range line.YAxisList {
			if a.AxisLabel == nil || a.AxisLabel.Formatter != want {
				t.Errorf("%s: y axis %d has no tick formatter", name, i)
			}
		}
		s, err := c.Snippet()
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(s, `"axisLabel":{"formatter":function (v) {  if (typeof v !== 'number'`); n != 2 {
			t.Errorf("%s: snippet holds the tick formatter %d times, want 2", name, n)
		}
	}
}

// TestTickFormatterJS runs the formatter in node: float noise disappears on linear and log ticks.
func TestTickFormatterJS(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not found")
	}
	in := []float64{0.009999999999999995, 0.30000000000000004, 1e-5, 2.5e-4, 12345.678, 0, -0.25, 100, 1.02, 0.001, 9999}
	want := []string{"0.01", "0.3", "1e-5", "2.5e-4", "1.23e4", "0", "-0.25", "100", "1.02", "0.001", "9999"}
	b, _ := json.Marshal(in)
	out, err := exec.Command(node, "-e", "var f = "+tickJS+"; console.log(JSON.stringify("+string(b)+".map(f)))").Output()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("tick %v printed %q, want %q", in[i], got[i], want[i])
		}
	}
}

// TestReferenceLabelsStaggered fails when two reference lines close together would put their
// labels at the same spot, or a label outside the plot (where the title and legend are).
func TestReferenceLabelsStaggered(t *testing.T) {
	x := []float64{0.01, 0.1, 1, 4}
	c := Lines("Figure 5", "t", "f", []Series{{Name: "a", X: x, Y: []float64{0, 0.1, 0.5, 1}}}).LogX().
		VLine(0.80, "t_C a").VLine(0.82, "t_C b").VLine(0.85, "t_C c").VLine(0.02, "far").
		HLine(0.14, "log 2 / log n (n=100)").HLine(0.15, "log 2 / log n (n=1000)")
	spots := c.labelSpots()
	x0, x1 := c.extent(true)
	y0, y1 := c.extent(false)
	fx, fy := axisFrac(x0, x1, true), axisFrac(y0, y1, false)
	for i := range c.refs {
		if !strings.HasPrefix(spots[i].slot, "inside") {
			t.Errorf("label %q at %s: outside the plot, where the title and legend are", c.refs[i].label, spots[i].slot)
		}
		for j := range i {
			ri, rj := c.refs[i], c.refs[j]
			if ri.vertical != rj.vertical {
				continue
			}
			f := fy
			if ri.vertical {
				f = fx
			}
			if math.Abs(f(ri.at)-f(rj.at)) < 0.05 && spots[i].slot == spots[j].slot {
				t.Errorf("labels %q and %q share the spot %s", ri.label, rj.label, spots[i].slot)
			}
		}
	}
	s, err := c.Snippet()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"insideEndTop", "insideEndBottom", "insideMiddleTop"} {
		if !strings.Contains(s, `"position":"`+p+`"`) {
			t.Errorf("snippet lacks a label at %s", p)
		}
	}
}

// TestLayout: full width, a wrapping legend whose rows push the plot down, theory curves without
// markers, measured points with them, one palette, save-as-image and data view.
func TestLayout(t *testing.T) {
	ts := make([]float64, 181)
	for i := range ts {
		ts[i] = 0.2 + float64(i)*0.01
	}
	var ss []Series
	for _, n := range []string{"Fashion-MNIST 1/8 (empirical, n=100)", "Fashion-MNIST 1/8 (empirical, n=1000)", "Fashion-MNIST 1/8 (U-Net, n=100)", "CIFAR-10 0/1 (empirical, n=100)"} {
		ss = append(ss, Series{Name: n, X: ts[:5], Y: ts[:5], Err: ts[:5]})
	}
	ss = append(ss, Series{Name: "eq. (6)", X: ts, Y: ts, Dashed: true})
	c := Lines("a long title", "t", "phi", ss)
	line, err := c.Echarts()
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Snippet()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s, "width:100%") {
		t.Error("chart does not take the cell's full width")
	}
	if l := line.Legend; l.Type == "scroll" {
		t.Error("legend scrolls (truncates) instead of wrapping")
	}
	rows := legendRows(uniqueNames(ss))
	if top := fmt.Sprintf(`"grid":[{"left":"72","top":"%d"`, 44+22*rows); rows < 2 || !strings.Contains(s, top) {
		t.Errorf("legend of 5 long names: %d rows; the plot must move down for a wrapped legend (%s)", rows, top)
	}
	for _, ms := range line.MultiSeries {
		if ms.Type != "line" {
			continue
		}
		dashed := ms.LineStyle != nil && ms.LineStyle.Type == "dashed"
		shown := ms.ShowSymbol != nil && bool(*ms.ShowSymbol)
		if dashed == shown {
			t.Errorf("series %q: dashed %v, markers %v: theory without markers, measured with", ms.Name, dashed, shown)
		}
	}
	if strings.Count(s, `"type":"custom"`) != 4 {
		t.Error("each measured series must carry its error bars")
	}
	for _, want := range []string{`"saveAsImage"`, `"dataView"`, `"orient":"vertical"`, `"color":["#5470c6"`} {
		if !strings.Contains(s, want) {
			t.Errorf("snippet lacks %s", want)
		}
	}
	tl, err := demoTimeline().Snippet()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"saveAsImage"`, `"dataView"`, `"orient":"vertical"`, `"color":["#5470c6"`, "width:100%"} {
		if !strings.Contains(tl, want) {
			t.Errorf("timeline lacks %s", want)
		}
	}
}

// TestTickRange: a linear y axis ends on ticks, error bars included.
func TestTickRange(t *testing.T) {
	for _, tc := range [][5]float64{{0.45, 1.02, 0.4, 1.1, 0.1}, {0, 1, 0, 1, 0.2}, {-0.013, 0.27, -0.05, 0.3, 0.05}, {3, 3, 2.4, 3.6, 0.2}} {
		l, h, st := tickRange(tc[0], tc[1])
		if math.Abs(l-tc[2]) > 1e-12 || math.Abs(h-tc[3]) > 1e-12 || math.Abs(st-tc[4]) > 1e-12 {
			t.Errorf("tickRange(%v, %v) = %v, %v, %v; want %v, %v, %v", tc[0], tc[1], l, h, st, tc[2], tc[3], tc[4])
		}
	}
	c := Lines("T", "x", "y", []Series{{Name: "m", X: []float64{1, 2}, Y: []float64{0.5, 0.9}, Err: []float64{0.05, 0.12}}})
	line, err := c.Echarts()
	if err != nil {
		t.Fatal(err)
	}
	if ya := line.YAxisList[0]; ya.Min != 0.4 || ya.Max != 1.1 || ya.MinInterval != 0.1 {
		t.Errorf("y axis [%v, %v] step %v, want [0.4, 1.1] step 0.1 (error bars included)", ya.Min, ya.Max, ya.MinInterval)
	}
}
