package experiment

import (
	"testing"
)

// Series carry their colours: one colour per dimension d, shared by its points and its theory
// line, different for the dimensions of the figures; trajectories by their final class.
func TestSeriesColors(t *testing.T) {
	seen := map[string]int{}
	for _, d := range []int{16, 32, 64, 128, 256, 1024, 4096, 1000000} {
		c, err := TheoryPhiCurve(d, 1, 1, []float64{0.5, 1})
		if err != nil {
			t.Fatal(err)
		}
		s, l := c.Series(), c.Line()
		if s.Color == "" || s.Color != l.Color {
			t.Fatalf("d=%d: points %q, line %q", d, s.Color, l.Color)
		}
		if o, dup := seen[s.Color]; dup {
			t.Errorf("d=%d and d=%d share colour %s", o, d, s.Color)
		}
		seen[s.Color] = d
	}
	p := QPaths{T: []float64{1, 0}, Q: [][]float64{{0.3, -0.2}, {1, -1}}}
	ps := p.Paths(2)
	if ps[0].Color != classColor(1) || ps[1].Color != classColor(-1) || ps[0].Color == ps[1].Color || !ps[0].Thin {
		t.Errorf("paths: %+v", ps)
	}
}
