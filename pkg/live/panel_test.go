package live

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/nbplot"
	"github.com/diffregimes/diffregimes/pkg/numeric"
)

// recorder is a view that keeps what a recomputation shows.
type recorder struct {
	mu             sync.Mutex
	charts, status []string
}

func (r *recorder) Chart(h string)  { r.mu.Lock(); r.charts = append(r.charts, h); r.mu.Unlock() }
func (r *recorder) Status(h string) { r.mu.Lock(); r.status = append(r.status, h); r.mu.Unlock() }

// phiPanel draws φ(t) of eq. (6) for the slider's d; d = 0 is an invalid mixture (an error), d = 1
// panics, to exercise the error path.
func phiPanel(calls *[]int, delay time.Duration) *Panel {
	var mu sync.Mutex
	return New("phi").Slider("d", []float64{0, 1, 16, 64, 256, 1024}, 64).Slider("σ", numeric.Linspace(0.5, 2, 4), 1).
		Draw(func(v Values) (nbplot.Item, error) {
			mu.Lock()
			*calls = append(*calls, v.Int("d"))
			mu.Unlock()
			time.Sleep(delay)
			if v.Int("d") == 1 {
				panic("boom at d = 1")
			}
			m := gmm.Mixture{D: v.Int("d"), Mu: 1, Sigma: v["σ"]}
			if err := m.Validate(); err != nil {
				return nil, err
			}
			ts := numeric.Linspace(0.1, 4, 20)
			phi, err := m.PhiCurve(ts)
			if err != nil {
				return nil, err
			}
			return nbplot.Lines(fmt.Sprintf("d=%d", m.D), "t", "φ", []nbplot.Series{{Name: "eq. (6)", X: ts, Y: phi}}), nil
		})
}

func TestPanelDefaultsAndRunOutsideNotebook(t *testing.T) {
	var calls []int
	p := phiPanel(&calls, 0)
	v := p.Defaults()
	if v.Int("d") != 64 || v["σ"] != 1 {
		t.Fatalf("defaults %v, want d = 64, σ = 1", v)
	}
	if err := p.Run(); err != nil { // outside GoNB: validates and draws the default
		t.Fatal(err)
	}
	if len(calls) != 1 || calls[0] != 64 || len(p.Times()) != 1 {
		t.Fatalf("calls %v, times %v", calls, p.Times())
	}
	// A default that cannot be drawn is an error that names the panel and the values.
	bad := New("bad").Slider("d", []float64{0, 1}, 0).Draw(func(Values) (nbplot.Item, error) { return nil, errors.New("no d") })
	if err := bad.Run(); err == nil || !strings.Contains(err.Error(), `"bad"`) || !strings.Contains(err.Error(), "d = 0") || !strings.Contains(err.Error(), "no d") {
		t.Fatalf("Run of a failing default: %v", err)
	}
}

func TestPanelErrors(t *testing.T) {
	draw := func(Values) (nbplot.Item, error) { return nil, nil }
	for name, p := range map[string]*Panel{
		"no values":      New("p").Slider("d", nil, 1).Draw(draw),
		"not increasing": New("p").Slider("d", []float64{1, 3, 2}, 1).Draw(draw),
		"NaN":            New("p").Slider("d", []float64{1, nanValue()}, 1).Draw(draw),
		"duplicate":      New("p").Slider("d", []float64{1}, 1).Slider("d", []float64{2}, 2).Draw(draw),
		"bad default":    New("p").Select("k", []string{"a"}, 3).Draw(draw),
		"no draw":        New("p").Slider("d", []float64{1}, 1),
		"no controls":    New("p").Draw(draw),
		"nil chart":      New("p").Slider("d", []float64{1}, 1).Draw(draw),
	} {
		if err := p.Run(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func nanValue() float64 { var z float64; return z / z }

// A failing recomputation (error or panic) shows its error and keeps the last chart; the next good
// value draws again.
func TestRecomputeShowsErrors(t *testing.T) {
	var calls []int
	p := phiPanel(&calls, 0)
	r := &recorder{}
	v, _ := p.set(0, 0) // d = 0: invalid mixture
	p.recompute(v, r)
	v, _ = p.set(0, 1) // d = 1: panics
	p.recompute(v, r)
	if len(r.charts) != 0 || len(r.status) != 2 {
		t.Fatalf("charts %d, status %d after two failures", len(r.charts), len(r.status))
	}
	for i, want := range []string{"d = 0", "panic: boom at d = 1"} {
		if !strings.Contains(r.status[i], "live-error") || !strings.Contains(r.status[i], want) {
			t.Errorf("status %d = %q, want the error with %q", i, r.status[i], want)
		}
	}
	v, _ = p.set(0, 4) // d = 256
	p.recompute(v, r)
	if len(r.charts) != 1 || !strings.Contains(r.charts[0], `data-live-rev="1"`) || !strings.Contains(r.charts[0], "d=256") {
		t.Fatalf("chart after recovery: %v", r.charts)
	}
	if s := r.status[2]; strings.Contains(s, "live-error") || !strings.Contains(s, "d = 256") || !strings.Contains(s, "recomputed in") {
		t.Errorf("status after recovery %q", s)
	}
	if p.lastVals.Int("d") != 256 {
		t.Errorf("last values %v", p.lastVals)
	}
}

// The slider moved faster than the computation: the controls' moves go through Latest, and the chart
// ends at the last position with only a few recomputations.
func TestFastSliderKeepsLatest(t *testing.T) {
	var calls []int
	p := phiPanel(&calls, 20*time.Millisecond)
	r := &recorder{}
	events := make(chan Values)
	done := make(chan int)
	go func() { done <- Latest(t.Context(), events, func(v Values) { p.recompute(v, r) }) }()
	positions := []int{2, 3, 4, 5, 4, 3, 2, 3, 4, 5, 2, 3, 4, 5, 4, 3, 2, 3, 4, 5, 4} // 21 moves in ~0 s
	for _, pos := range positions {
		v, _ := p.set(0, pos)
		events <- v
	}
	close(events)
	n := <-done
	if n >= len(positions)/2 {
		t.Errorf("%d recomputations for %d moves", n, len(positions))
	}
	last := r.charts[len(r.charts)-1]
	if !strings.Contains(last, "d=256") { // position 4
		t.Errorf("final chart is not the last position's (d = 256): %.200s", last)
	}
	if calls[len(calls)-1] != 256 {
		t.Errorf("last computation for d = %d", calls[len(calls)-1])
	}
}

func TestStaticHTML(t *testing.T) {
	var calls []int
	p := phiPanel(&calls, 0)
	h := p.staticHTML(chartHTML(1, "<div>chart</div>"), p.Defaults())
	for _, want := range []string{`data-live="static"`, "live Jupyter kernel", "controls for d and σ", "d = 64, σ = 1", "<div>chart</div>"} {
		if !strings.Contains(h, want) {
			t.Errorf("static HTML lacks %q: %s", want, h)
		}
	}
}

func TestRenameIDs(t *testing.T) {
	var calls []int
	_, snippet, _, err := phiPanel(&calls, 0).compute(Values{"d": 64, "σ": 1})
	if err != nil {
		t.Fatal(err)
	}
	m := itemIDRe.FindStringSubmatch(snippet)
	if m == nil {
		t.Fatalf("no chart id in the fragment: %.300s", snippet)
	}
	got := renameIDs(snippet, "_saved")
	if strings.Count(got, m[1]+"_saved") != strings.Count(snippet, m[1]) || strings.Count(got, m[1]+"_saved") < 2 {
		t.Errorf("id %s: %d occurrences before, %d renamed after", m[1], strings.Count(snippet, m[1]), strings.Count(got, m[1]+"_saved"))
	}
}

func TestEnvironment(t *testing.T) {
	for v, want := range map[string]bool{"off": true, "OFF": true, "0": true, "static": true, "": false, "on": false} {
		t.Setenv(EnvMode, v)
		if got := staticMode(); got != want {
			t.Errorf("%s=%q: static %v, want %v", EnvMode, v, got, want)
		}
	}
	t.Setenv(EnvIdle, "90s")
	if d := idle(); d != 90*time.Second {
		t.Errorf("%s=90s: idle %v", EnvIdle, d)
	}
	t.Setenv(EnvIdle, "soon")
	if d := idle(); d != IdleTimeout {
		t.Errorf("%s=soon: idle %v, want the default %v", EnvIdle, d, IdleTimeout)
	}
}

func TestValuesString(t *testing.T) {
	v := Values{"d": 65536, "σ": 0.25, "n": 1e6, "x": 1.0 / 3}
	if got, want := v.String(), "d = 65536, n = 1000000, x = 0.3333, σ = 0.25"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
