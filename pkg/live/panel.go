package live

import (
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/diffregimes/diffregimes/pkg/nbplot"
)

// Environment variables read by Run.
const (
	// EnvMode set to "off" (or "0", "static") makes Run show the static default chart without
	// probing for a front-end.
	EnvMode = "DIFFREGIMES_LIVE"
	// EnvIdle overrides IdleTimeout with a Go duration (e.g. "90s").
	EnvIdle = "DIFFREGIMES_LIVE_IDLE"
)

// IdleTimeout is how long Run keeps the controls live without a move before it ends the cell.
var IdleTimeout = 10 * time.Minute

// ProbeTimeout bounds the wait for the front-end's answer to the probe. The first probe of a kernel
// session waits for GoNB to install its comms script in the page (seconds on a loaded machine);
// later ones answer in milliseconds. Runs without a front-end skip it with $DIFFREGIMES_LIVE=off.
var ProbeTimeout = 20 * time.Second

// Values maps each control's name to its current value: the slider's value, or a select's index.
type Values map[string]float64

// Int returns the value of the named control rounded to an integer (a dimension, a count, an index).
func (v Values) Int(name string) int { return int(math.Round(v[name])) }

// String lists the values in the order of the controls' names, e.g. "d = 64, σ = 1".
func (v Values) String() string {
	names := make([]string, 0, len(v))
	for k := range v {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = k + " = " + format(v[k])
	}
	return strings.Join(parts, ", ")
}

// format writes a control value: integers in full (d = 65536), others with 4 significant digits.
func format(x float64) string {
	if x == math.Trunc(x) && math.Abs(x) < 1e15 {
		return strconv.FormatInt(int64(x), 10)
	}
	return strconv.FormatFloat(x, 'g', 4, 64)
}

// DrawFunc recomputes the chart for the given values.
type DrawFunc func(Values) (nbplot.Item, error)

// control is one slider or select: a list of values (a select's are its indices) and labels.
type control struct {
	name   string
	values []float64
	labels []string
	def    int  // index of the default value
	choice bool // a <select> rather than a slider
}

// Panel is a set of controls bound to one chart. Build it with New, add controls, set Draw, then Run.
type Panel struct {
	title    string
	controls []control
	draw     DrawFunc
	err      error

	mu        sync.Mutex
	cur       []int           // current index of each control
	times     []time.Duration // wall time of each successful recomputation
	rev       int             // number of charts drawn
	lastErr   error           // error of the latest recomputation, nil if it drew
	lastChart string          // fragment of the last chart that drew
	lastVals  Values          // its values
}

// New returns an empty panel; title heads the controls.
func New(title string) *Panel { return &Panel{title: title} }

func (p *Panel) fail(format string, args ...any) *Panel {
	if p.err == nil {
		p.err = fmt.Errorf("live: panel %q: "+format, append([]any{p.title}, args...)...)
	}
	return p
}

// Slider adds a slider named name over the given values (increasing, finite; e.g. numeric.Linspace
// or a list of dimensions), starting at the value nearest def.
func (p *Panel) Slider(name string, values []float64, def float64) *Panel {
	if err := p.checkName(name); err != nil {
		return p.fail("%v", err)
	}
	if len(values) == 0 {
		return p.fail("slider %q has no values", name)
	}
	best := 0
	for i, x := range values {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return p.fail("slider %q: value %d is %v", name, i, x)
		}
		if i > 0 && x <= values[i-1] {
			return p.fail("slider %q: values must increase (value %d = %v after %v)", name, i, x, values[i-1])
		}
		if math.Abs(x-def) < math.Abs(values[best]-def) {
			best = i
		}
	}
	labels := make([]string, len(values))
	for i, x := range values {
		labels[i] = format(x)
	}
	p.controls = append(p.controls, control{name: name, values: append([]float64(nil), values...), labels: labels, def: best})
	p.cur = append(p.cur, best)
	return p
}

// Select adds a drop-down list named name; its value in Values is the index of the chosen option.
func (p *Panel) Select(name string, options []string, def int) *Panel {
	if err := p.checkName(name); err != nil {
		return p.fail("%v", err)
	}
	if len(options) == 0 {
		return p.fail("select %q has no options", name)
	}
	if def < 0 || def >= len(options) {
		return p.fail("select %q: default %d outside [0, %d)", name, def, len(options))
	}
	values := make([]float64, len(options))
	for i := range values {
		values[i] = float64(i)
	}
	p.controls = append(p.controls, control{name: name, values: values, labels: append([]string(nil), options...), def: def, choice: true})
	p.cur = append(p.cur, def)
	return p
}

func (p *Panel) checkName(name string) error {
	if name == "" {
		return errors.New("a control needs a name")
	}
	for _, c := range p.controls {
		if c.name == name {
			return fmt.Errorf("two controls named %q", name)
		}
	}
	return nil
}

// Draw sets the function that computes the chart from the controls' values.
func (p *Panel) Draw(f DrawFunc) *Panel {
	p.draw = f
	return p
}

// Err reports a malformed panel (a control without values, a duplicate name, no Draw function).
func (p *Panel) Err() error {
	if p.err != nil {
		return p.err
	}
	if p.draw == nil {
		return fmt.Errorf("live: panel %q has no Draw function", p.title)
	}
	if len(p.controls) == 0 {
		return fmt.Errorf("live: panel %q has no controls", p.title)
	}
	return nil
}

// Defaults returns the values at which every control starts.
func (p *Panel) Defaults() Values {
	v := make(Values, len(p.controls))
	for _, c := range p.controls {
		v[c.name] = c.values[c.def]
	}
	return v
}

// set moves control i to position pos (clamped) and returns a snapshot of all values and the
// clamped position.
func (p *Panel) set(i, pos int) (Values, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.controls[i]
	p.cur[i] = min(max(pos, 0), len(c.values)-1)
	v := make(Values, len(p.controls))
	for j, c := range p.controls {
		v[c.name] = c.values[p.cur[j]]
	}
	return v, p.cur[i]
}

// position returns the current position of control i.
func (p *Panel) position(i int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cur[i]
}

// Times returns the wall time of each successful recomputation so far (the default chart first).
func (p *Panel) Times() []time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]time.Duration(nil), p.times...)
}

// compute runs the Draw function for v, turning a panic into an error, and returns the chart's
// HTML fragment (without the echarts bundle) and how long it took.
func (p *Panel) compute(v Values) (item nbplot.Item, snippet string, took time.Duration, err error) {
	start := time.Now()
	defer func() {
		if r := recover(); r != nil {
			item, snippet, err = nil, "", fmt.Errorf("panic: %v", r)
		}
		took = time.Since(start)
	}()
	item, err = p.draw(v)
	if err == nil && item == nil {
		err = errors.New("Draw returned no chart")
	}
	if err == nil {
		snippet, err = item.Snippet()
	}
	return item, snippet, 0, err
}

// view is where a recomputation shows its results: the cell's transient outputs in a live kernel,
// a recorder in tests.
type view interface {
	Chart(html string)
	Status(html string)
}

// recompute draws the chart for v into out; on failure it shows the error and keeps the last chart.
func (p *Panel) recompute(v Values, out view) {
	_, snippet, took, err := p.compute(v)
	p.mu.Lock()
	p.lastErr = err
	if err == nil {
		p.times = append(p.times, took)
		p.rev++
		p.lastChart, p.lastVals = snippet, v
	}
	rev := p.rev
	p.mu.Unlock()
	if err != nil {
		out.Status(errorStatus(v, err))
		return
	}
	out.Status(okStatus(v, took)) // before the chart: a chart of revision r always has its status shown
	out.Chart(chartHTML(rev, snippet))
}

// idle returns IdleTimeout, or $DIFFREGIMES_LIVE_IDLE when it parses as a positive duration.
func idle() time.Duration {
	if s := os.Getenv(EnvIdle); s != "" {
		if d, err := time.ParseDuration(s); err == nil && d > 0 {
			return d
		}
	}
	return IdleTimeout
}

// staticMode reports whether $DIFFREGIMES_LIVE asks for the static chart without a probe.
func staticMode() bool {
	switch strings.ToLower(os.Getenv(EnvMode)) {
	case "off", "0", "static", "false", "no":
		return true
	}
	return false
}
