// Package live binds notebook controls (sliders, selects) to a recompute function that redraws an
// nbplot chart in place, in a live GoNB kernel: the ipywidgets `interact` of this project.
//
//	must.M(live.New("φ(t) of eq. (6)").
//		Slider("d", []float64{16, 64, 256, 1024}, 64).
//		Slider("μ̃", numeric.Linspace(0.5, 2, 16), 1).
//		Draw(func(v live.Values) (nbplot.Item, error) {
//			m := gmm.Mixture{D: v.Int("d"), Mu: v["μ̃"], Sigma: 1}
//			...
//			return chart, nil
//		}).Run())
//
// How it runs. Every GoNB cell is a separate program, so a control is live only while its cell runs:
// Run draws the default chart, shows the controls and a Done button, and then recomputes on every
// move until Done is clicked or the controls have been idle for IdleTimeout ($DIFFREGIMES_LIVE_IDLE,
// a Go duration, default 10m). It then removes the controls and displays the last chart as the
// cell's saved output. Cells after a live cell wait for it (Run All stops there until Done).
//
// Guarantees:
//   - A slider moved faster than the computation keeps only the latest value: moves that arrive
//     while a recomputation runs replace each other, and one recomputation with the latest values
//     follows (Latest). There is no queue of stale recomputations. GoNB hands each front-end message
//     to its own goroutine, so the moves of a burst can arrive out of order; 300 ms after a control's
//     last message the panel reads the control's position back from the page, so the chart always
//     ends at the position the control shows.
//   - A recomputation that fails (an error, or a panic, e.g. from gomlx) shows its error in the cell
//     under the controls, keeps the last good chart, and the controls stay live; the kernel is not
//     affected.
//   - With no front-end attached (nbconvert, the published HTML), Run shows the static default chart
//     with a note that the controls are live in Jupyter. Run decides by a probe: a script in the
//     cell output that answers through GoNB's comms within ProbeTimeout (20 s); $DIFFREGIMES_LIVE=off skips
//     the probe (cmd/publish runs are static anyway). Outside GoNB Run only validates and computes the
//     default chart.
//
// The status line under the controls gives the values and the time of the last recomputation.
package live
