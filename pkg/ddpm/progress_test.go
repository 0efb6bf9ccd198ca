package ddpm

import (
	"bytes"
	"strings"
	"testing"
)

func TestProgress(t *testing.T) {
	var buf bytes.Buffer
	p := NewProgress(&buf)
	p(Report{Step: 1, Total: 4, Loss: 0.5, StepsPerSec: 2})
	p(Report{Step: 4, Total: 4, Loss: 0.25, StepsPerSec: 2, Checkpoint: true})
	out := buf.String()
	for _, want := range []string{"4/4", "2.00 steps/s", "loss 0.2500", "[checkpoint]", "[########################]"} {
		if !strings.Contains(out, want) {
			t.Errorf("progress output %q lacks %q", out, want)
		}
	}
	if !strings.HasSuffix(out, "\n") {
		t.Error("the final progress line does not end the line")
	}
	if got := progressLine(Report{Step: 1, Total: 2, StepsPerSec: 0.5}); !strings.Contains(got, "eta 2s") {
		t.Errorf("eta: %q", got)
	}
	svg := LossSVG([]float64{1, 0.8, 0.5, 0.4}, 200, 50)
	if !strings.HasPrefix(svg, "<svg") || strings.Count(svg, "<polyline") != 2 || !strings.Contains(svg, "step 4") {
		t.Errorf("LossSVG: %s", svg)
	}
	if LossSVG([]float64{1}, 200, 50) != "" {
		t.Error("LossSVG of one point should be empty")
	}
}
