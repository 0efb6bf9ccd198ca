package nbplot_test

import (
	"fmt"
	"strings"

	"github.com/diffregimes/diffregimes/pkg/nbplot"
)

// A chart of a measured curve with 3-standard-error bars and the paper's reference lines. In a GoNB
// cell, end with .Display() instead of .Snippet().
func Example() {
	ts := []float64{0.5, 1, 2}
	c := nbplot.Lines("phi(t)", "t/t_S", "phi", []nbplot.Series{
		{Name: "measured", X: ts, Y: []float64{0.95, 0.78, 0.55}, Err: []float64{0.01, 0.02, 0.01}},
	}).VLine(1, "t/t_S = 1").HLine(0.775, "phi = 0.775")
	s, err := c.Snippet()
	fmt.Println(err, strings.Contains(s, `[1,0.78]`), strings.Contains(s, `[1,0.76,0.8]`), strings.Contains(s, `"yAxis":0.775`))
	// Output: <nil> true true true
}

// A slider over a parameter: one frame per value of a, each the curve V(q) = a q² − 1, over fixed
// axes, with a dashed reference drawn in every frame. In a GoNB cell, end with .Display().
func ExampleTimeline() {
	q := []float64{-2, -1, 0, 1, 2}
	var frames []nbplot.Frame
	for _, a := range []float64{0.5, 1, 2} {
		v := make([]float64, len(q))
		for j, x := range q {
			v[j] = a*x*x - 1
		}
		frames = append(frames, nbplot.Frame{Label: fmt.Sprintf("a = %g", a), Tick: fmt.Sprint(a),
			Series: []nbplot.Series{{Name: "V(q)", X: q, Y: v}}})
	}
	c := nbplot.Timeline("V(q) = a q² − 1", "q", "V", frames).
		Static(nbplot.Series{Name: "V = 0", X: q, Y: make([]float64, len(q)), Dashed: true})
	s, err := c.Snippet()
	fmt.Println(err, c.Frames(), strings.Contains(s, `"timeline":{`), strings.Contains(s, `"subtext":"a = 2"`),
		strings.Contains(s, `"min":-1,`), strings.Contains(s, `"max":7,`))
	// Output: <nil> 3 true true true true
}
