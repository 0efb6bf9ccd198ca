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
