package ddpm

import (
	"fmt"
	"html"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
)

// NewProgress returns a Progress callback that draws a progress bar with steps/s, the loss and
// the time left: in a GoNB notebook as one HTML block updated in place, with a live chart of the
// loss (raw and smoothed) beside it; elsewhere as a carriage-return line on w (e.g. os.Stderr).
// It redraws at most every 200 ms, at checkpoints and at the end.
func NewProgress(w io.Writer) func(Report) {
	var last time.Time
	var losses []float64
	id := ""
	if gonbui.IsNotebook {
		id = "ddpm-progress-" + gonbui.UniqueId()
	}
	return func(r Report) {
		losses = append(losses, float64(r.Loss))
		done := r.Step >= r.Total
		if !done && !r.Checkpoint && time.Since(last) < 200*time.Millisecond {
			return
		}
		last = time.Now()
		line := progressLine(r)
		if id != "" {
			frac := 0.0
			if r.Total > 0 {
				frac = float64(r.Step) / float64(r.Total)
			}
			gonbui.UpdateHTML(id, fmt.Sprintf(
				`<div style="font-family:monospace"><progress value="%.4f" max="1" style="width:40%%"></progress> %s<br>%s</div>`,
				frac, html.EscapeString(line), LossSVG(losses, 480, 120)))
			return
		}
		if w == nil {
			return
		}
		end := ""
		if done {
			end = "\n"
		}
		fmt.Fprintf(w, "\r%s%s", line, end)
	}
}

// progressLine renders e.g. "[#####.....] 500/1000 3.21 steps/s loss 0.0412 eta 2m36s".
func progressLine(r Report) string {
	const width = 24
	n := 0
	if r.Total > 0 {
		n = min(width, r.Step*width/r.Total)
	}
	eta := "?"
	if r.StepsPerSec > 0 {
		eta = time.Duration(float64(r.Total-r.Step) / r.StepsPerSec * float64(time.Second)).Round(time.Second).String()
	}
	ck := ""
	if r.Checkpoint {
		ck = " [checkpoint]"
	}
	return fmt.Sprintf("[%s%s] %d/%d %.2f steps/s loss %.4f eta %s%s",
		strings.Repeat("#", n), strings.Repeat(".", width-n), r.Step, r.Total, r.StepsPerSec, r.Loss, eta, ck)
}

// LossSVG draws losses (one per step) as an inline SVG line chart of the given pixel size on a
// log scale: the raw losses in light grey and their exponential moving average (time constant
// ~1% of the run, at least 10 steps) in blue, with the first and last smoothed values labelled.
func LossSVG(losses []float64, width, height int) string {
	var pts []float64
	for _, v := range losses {
		if v > 0 && !math.IsInf(v, 0) {
			pts = append(pts, math.Log10(v))
		}
	}
	if len(pts) < 2 {
		return ""
	}
	alpha := 1 / max(10, float64(len(pts))/100)
	ema := make([]float64, len(pts))
	ema[0] = pts[0]
	for i := 1; i < len(pts); i++ {
		ema[i] = ema[i-1] + alpha*(pts[i]-ema[i-1])
	}
	lo, hi := slices.Min(pts), slices.Max(pts)
	if hi-lo < 1e-9 {
		hi = lo + 1
	}
	const pad = 4.0
	poly := func(ys []float64, color string, w float64) string {
		var b strings.Builder
		for i, y := range ys {
			px := pad + float64(i)*(float64(width)-2*pad)/float64(len(ys)-1)
			py := pad + (hi-y)*(float64(height)-2*pad)/(hi-lo)
			fmt.Fprintf(&b, "%.1f,%.1f ", px, py)
		}
		return fmt.Sprintf(`<polyline fill="none" stroke="%s" stroke-width="%.1f" points="%s"/>`, color, w, b.String())
	}
	return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" style="border:1px solid #ddd">%s%s`+
		`<text x="8" y="14" font-size="11" fill="#333">loss (log scale): %.4g → %.4g (smoothed), step %d</text></svg>`,
		width, height, poly(pts, "#ccc", 1), poly(ema, "#5470c6", 2), math.Pow(10, ema[0]), math.Pow(10, ema[len(ema)-1]), len(pts))
}
