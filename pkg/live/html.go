package live

import (
	"encoding/json"
	"fmt"
	"html"
	"strings"
	"time"
)

// The HTML of a panel. Class names and data attributes are what tests/live looks for:
// .live-panel[data-live=starting|running|done|static], .live-chart[data-live-rev], .live-status, .live-error.

// chartHTML wraps a chart fragment with its revision number (1 for the default chart).
func chartHTML(rev int, snippet string) string {
	return fmt.Sprintf(`<div class="live-chart" data-live-rev="%d">%s</div>`, rev, snippet)
}

// okStatus is the status line after a recomputation that drew.
func okStatus(v Values, took time.Duration) string {
	return fmt.Sprintf(`<div class="live-status" style="font:12px monospace;color:#555">%s — recomputed in %s</div>`,
		html.EscapeString(v.String()), roundDuration(took))
}

// errorStatus shows a failed recomputation; the chart above it is the last one that drew.
func errorStatus(v Values, err error) string {
	return fmt.Sprintf(`<div class="live-status live-error" style="font:12px monospace;color:#b00;white-space:pre-wrap">%s: %s<br>(the chart shows the last values that worked; move a control to try again)</div>`,
		html.EscapeString(v.String()), html.EscapeString(err.Error()))
}

// controlNames lists the controls' names, e.g. "d, μ̃ and σ".
func (p *Panel) controlNames() string {
	names := make([]string, len(p.controls))
	for i, c := range p.controls {
		names[i] = c.name
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// staticHTML is the cell's output without a front-end (nbconvert, the published page): the default
// chart and a note saying that the controls are live in Jupyter.
func (p *Panel) staticHTML(chart string, v Values) string {
	return fmt.Sprintf(`<div class="live-panel" data-live="static"><p class="live-note" style="font-style:italic">%s: in a live Jupyter kernel (<code>make notebook</code>) this cell shows controls for %s that recompute the chart; here it shows the default, %s.</p>%s</div>`,
		html.EscapeString(p.title), html.EscapeString(p.controlNames()), html.EscapeString(v.String()), chart)
}

// finalHTML is the cell's saved output after a live session: the last chart that drew.
func (p *Panel) finalHTML(chart string, v Values, why string) string {
	return fmt.Sprintf(`<div class="live-panel" data-live="done"><p class="live-note" style="font-style:italic">%s: controls closed (%s); the chart is for %s. Re-run the cell to explore again.</p>%s</div>`,
		html.EscapeString(p.title), html.EscapeString(why), html.EscapeString(v.String()), chart)
}

// headerHTML opens the live panel: its title; the controls are appended into the div with id ctlID.
// The panel is data-live="starting" until every control listens, then "running" (set by readyJS).
func (p *Panel) headerHTML(panelID, ctlID string) string {
	return fmt.Sprintf(`<div class="live-panel" id="%s" data-live="starting"><b>%s</b> <span style="font-size:12px;color:#555">(live: move a control to recompute; Done ends the cell)</span><div id="%s"></div></div>`,
		panelID, html.EscapeString(p.title), ctlID)
}

// readyJS marks the panel as running: its controls are wired to the kernel.
func readyJS(panelID string) string {
	return fmt.Sprintf(`(function(){var e=document.getElementById(%q);if(e)e.dataset.live="running";})();`, panelID)
}

// rowHTML is one control's row: its name, a place for the widget, and its current value.
// Its data-labels attribute lists the label of every position (JSON), for tests.
func rowHTML(rowID, valueID, name, value string, labels []string) string {
	js, _ := json.Marshal(labels)
	return fmt.Sprintf(`<div class="live-control" id="%s" data-labels="%s" style="display:flex;align-items:center;gap:8px;margin:2px 0"><span style="min-width:4em;font-family:monospace">%s</span><span class="live-value" id="%s" style="font-family:monospace;min-width:5em;order:2">%s</span></div>`,
		rowID, html.EscapeString(string(js)), html.EscapeString(name), valueID, html.EscapeString(value))
}

func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(100 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}
