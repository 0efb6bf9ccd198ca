package live

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/comms"
	"github.com/janpfeifer/gonb/gonbui/dom"
	"github.com/janpfeifer/gonb/gonbui/widgets"

	"github.com/diffregimes/diffregimes/pkg/nbplot"
)

// Run shows the panel in the current GoNB cell and keeps its controls live until Done is clicked or
// they have been idle for IdleTimeout; without a front-end it shows the static default chart (see the
// package doc). It returns an error, also shown in the cell, when the panel is malformed or the
// default chart cannot be drawn; a failing recomputation after a move is shown but not returned.
func (p *Panel) Run() error {
	if err := p.Err(); err != nil {
		return showErr(err)
	}
	v := p.Defaults()
	item, snippet, took, err := p.compute(v)
	if err != nil {
		return showErr(fmt.Errorf("live: panel %q at its default (%s): %w", p.title, v, err))
	}
	p.mu.Lock()
	p.times, p.rev, p.lastChart, p.lastVals = append(p.times, took), 1, snippet, v
	p.mu.Unlock()
	if !gonbui.IsNotebook {
		return nil
	}
	if staticMode() || !probe(ProbeTimeout) {
		return p.showStatic(item, v)
	}
	return p.live(item, v, took)
}

func showErr(err error) error {
	if gonbui.IsNotebook {
		gonbui.DisplayHTML(`<pre class="live-error" style="color:#b00">` + html.EscapeString(err.Error()) + "</pre>")
		gonbui.Sync()
	}
	return err
}

func (p *Panel) showStatic(item nbplot.Item, v Values) error {
	chart, _, err := nbplot.CellHTML(item)
	if err != nil {
		return showErr(err)
	}
	gonbui.DisplayHTML(p.staticHTML(chartHTML(1, chart), v))
	gonbui.Sync()
	return nil
}

// probeJS sends 1 to the probe address once gonb_comm (GoNB's front-end object) exists; it repeats,
// since the first sends may precede the opening of GoNB's comm channel.
const probeJS = `(function(){var n=0;var t=setInterval(function(){var c=globalThis.gonb_comm;if(c&&c.send){c.send(%q,1);}if(++n>=100)clearInterval(t);},200);})();`

// probe reports whether a front-end runs this cell's output and answers through GoNB's comms.
func probe(timeout time.Duration) bool {
	addr := "/diffregimes/live/probe/" + gonbui.UniqueId()
	ch := comms.Listen[int](addr).LatestOnly()
	dom.TransientJavascript(fmt.Sprintf(probeJS, addr))
	select {
	case <-ch.C:
		return true
	case <-time.After(timeout):
		return false
	}
}

// within runs f and reports whether it returned before d (a widget's Done waits for the front-end).
func within(d time.Duration, f func()) bool {
	ok := make(chan struct{})
	go func() { f(); close(ok) }()
	select {
	case <-ok:
		return true
	case <-time.After(d):
		return false
	}
}

// cellView shows recomputations in two transient outputs of the running cell.
type cellView struct{ status, chart string }

func (c cellView) Chart(h string)  { gonbui.UpdateHTML(c.chart, h) }
func (c cellView) Status(h string) { gonbui.UpdateHTML(c.status, h) }

// live runs the panel with its controls until Done or idleness.
func (p *Panel) live(item nbplot.Item, v Values, took time.Duration) error {
	uid := gonbui.UniqueId()
	panelOut, ctlID := "live_panel_"+uid, "live_ctl_"+uid
	out := cellView{status: "live_status_" + uid, chart: "live_chart_" + uid}
	gonbui.UpdateHTML(panelOut, p.headerHTML("live_"+uid, ctlID))
	out.Status(okStatus(v, took))
	first, bundled, err := nbplot.CellHTML(item)
	if err != nil {
		return showErr(err)
	}
	out.Chart(chartHTML(1, first))

	// The controls: one row each, with the GoNB widget and a label showing the value.
	chans := make([]*comms.AddressChan[int], len(p.controls))
	htmlIDs := make([]string, len(p.controls))
	valueIDs := make([]string, len(p.controls))
	for i, c := range p.controls {
		rowID := fmt.Sprintf("%s_row%d", ctlID, i)
		valueIDs[i] = fmt.Sprintf("%s_val%d", ctlID, i)
		dom.Append(ctlID, rowHTML(rowID, valueIDs[i], c.name, c.labels[c.def], c.labels))
		ok := within(10*time.Second, func() {
			if c.choice {
				w := widgets.Select(c.labels).SetDefault(c.def).AppendTo(rowID).Done()
				chans[i], htmlIDs[i] = w.Listen().LatestOnly(), w.HtmlId()
			} else {
				w := widgets.Slider(0, len(c.values)-1, c.def).AppendTo(rowID).Done()
				chans[i], htmlIDs[i] = w.Listen().LatestOnly(), w.HtmlId()
			}
		})
		if !ok {
			gonbui.UpdateHTML(panelOut, "")
			gonbui.UpdateHTML(out.status, "")
			gonbui.UpdateHTML(out.chart, "")
			return p.showStatic(item, v)
		}
	}
	var clicks *comms.AddressChan[int]
	if !within(10*time.Second, func() { clicks = widgets.Button("Done").AppendTo(ctlID).Done().Listen() }) {
		return showErr(fmt.Errorf("live: panel %q: the front-end did not create the Done button", p.title))
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := make(chan Values)
	var lastMove atomic.Int64
	lastMove.Store(time.Now().UnixNano())
	for i, ch := range chans {
		go p.follow(ctx, i, ch, htmlIDs[i], valueIDs[i], events, &lastMove)
	}
	why := ""
	limit := idle()
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-clicks.C:
				why = "Done clicked"
				cancel()
				return
			case <-tick.C:
				if time.Since(time.Unix(0, lastMove.Load())) > limit {
					why = fmt.Sprintf("no move for %s", limit)
					cancel()
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	dom.TransientJavascript(readyJS("live_" + uid)) // every control listens now
	Latest(ctx, events, func(v Values) { p.recompute(v, out) })

	// Replace the transient controls and chart by the last chart, saved with the notebook.
	p.mu.Lock()
	chart, vals, rev := p.lastChart, p.lastVals, p.rev
	p.mu.Unlock()
	if bundled {
		b, err := nbplot.BundleScript()
		if err != nil {
			return showErr(err)
		}
		chart = b + chart
	}
	gonbui.UpdateHTML(panelOut, "")
	gonbui.UpdateHTML(out.status, "")
	gonbui.UpdateHTML(out.chart, "")
	gonbui.Sync()
	// The saved copy gets new element ids: echarts.init finds its div by id, and the transient copy
	// with the same ids may still be on the page when the saved one's script runs.
	gonbui.DisplayHTML(p.finalHTML(chartHTML(rev, renameIDs(chart, "_saved")), vals, why))
	gonbui.Sync()
	return nil
}

// itemIDRe finds the ids of go-echarts chart divs in a fragment.
var itemIDRe = regexp.MustCompile(`<div class="item" id="([A-Za-z0-9_]+)"`)

// renameIDs appends suffix to every go-echarts chart id in the fragment, wherever it occurs.
func renameIDs(fragment, suffix string) string {
	for _, m := range itemIDRe.FindAllStringSubmatch(fragment, -1) {
		fragment = strings.ReplaceAll(fragment, m[1], m[1]+suffix)
	}
	return fragment
}

// settleDelay is the quiet time after a control's last event before follow reads its position back.
const settleDelay = 300 * time.Millisecond

// settleJS sends the current position of the widget element to addr.
const settleJS = `(function(){var e=document.getElementById(%q),c=globalThis.gonb_comm;if(e&&c&&c.send)c.send(%q,+e.value);})();`

// follow forwards the moves of control i to events as snapshots of all values, skipping moves to the
// current position. GoNB delivers each front-end message in its own goroutine, so a burst of moves
// can arrive out of order and the last one delivered need not be the last one made: settleDelay
// after the last event, follow reads the element's position back from the page and applies it.
func (p *Panel) follow(ctx context.Context, i int, ch *comms.AddressChan[int], htmlID, valueID string, events chan<- Values, lastMove *atomic.Int64) {
	settleAddr := "/diffregimes/live/settle/" + gonbui.UniqueId()
	settle := comms.Listen[int](settleAddr).LatestOnly()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	apply := func(pos int) bool {
		if pos == p.position(i) {
			return true
		}
		snap, at := p.set(i, pos)
		lastMove.Store(time.Now().UnixNano())
		dom.SetInnerText(valueID, p.controls[i].labels[at])
		select {
		case events <- snap:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		select {
		case pos, ok := <-ch.C:
			if !ok || !apply(pos) {
				return
			}
			timer.Reset(settleDelay)
		case pos := <-settle.C:
			if !apply(pos) {
				return
			}
		case <-timer.C:
			dom.TransientJavascript(fmt.Sprintf(settleJS, htmlID, settleAddr))
		case <-ctx.Done():
			return
		}
	}
}
