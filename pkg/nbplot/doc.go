// Package nbplot draws interactive echarts charts and PNG image grids inline in GoNB notebooks,
// fully offline.
//
// Charts are go-echarts (v2.7.1) charts. The echarts bundle (node_modules/echarts/dist/echarts.min.js,
// installed by `npm ci` at the repository root) is inlined into the page once per kernel session,
// wrapped so that the require.js loaded by Jupyter pages does not capture it:
//
//	if(!window.echarts){(function(define,exports,module){ ...bundle... }).call(window);}
//
// Every chart keeps echarts' tooltips, zoom (inside + slider), save-as-image and a data view (the numbers
// behind the chart, to copy). The look is shared (style.go): one palette; tick labels formatted by
// magnitude (at most 4 significant digits, exponents outside [1e-3, 1e4): no float noise on linear or
// log axes); the toolbox in a column at the right edge, clear of the title; a legend that wraps, the
// plot moving down by its estimated rows; the cell's full width (Size sets pixels); reference-line
// labels inside the plot, staggered along their lines when lines are close; dashed (theory) curves
// without markers, measured curves with markers and their error bars.
//
// Tables: NewTable(header...).Row(cells...) or MarkdownTable(md) (a GitHub-style table with text
// around it), then Display: an HTML table in the cell and on the published page. Headline(item,
// format, args...) prints the notebook's "headline: item | text" line that cmd/publish puts on the
// site's index.
//
// Typical notebook use (each call returns the chart so options chain):
//
//	nbplot.Lines("phi(t)", "t/t_S", "phi", []nbplot.Series{
//		{Name: "d=128", X: ts, Y: phi, Err: se3}, // Err: error-bar half width, e.g. 3 standard errors
//		{Name: "theory", X: ts, Y: theory},
//	}).VLine(1, "t/t_S = 1").HLine(0.775, "phi = 0.775").LogX().Display()
//
//	nbplot.Scatter(title, xName, yName, series)          // markers only, error bars if Err is set
//	nbplot.Histogram(title, xName, bins, []nbplot.Sample{{Name: "x(t)", Values: v}}) // densities
//	nbplot.NewHeatmap(title, xName, yName, xs, ys, z)    // z[i][j] at (xs[j], ys[i])
//	nbplot.Images(title, imgs, h, w, c).Cols(8).Labels(l).Display() // float32 images -> one PNG grid
//	nbplot.Timeline(title, xName, yName, frames).Static(ref).Display() // a slider: one Frame per value of t
//	nbplot.Display(anyGoEchartsChart)                    // any go-echarts chart (render.Renderer)
//
// Every Display returns an error (bad input names the series or argument) and also shows it in the cell.
// A chart's Echarts() returns the underlying go-echarts chart for options nbplot does not wrap.
//
// Once per page: each GoNB cell runs as a new process, so the first chart of a kernel session carries
// the bundle and leaves a marker in $GONB_TMP_DIR; later charts rely on window.echarts. Re-running the
// notebook (a new kernel) starts over. If the output holding the bundle was cleared, ResetBundle makes
// the next chart carry it again; a chart whose page lacks echarts shows a message instead of failing
// silently.
//
// Outside a notebook Display does nothing; use HTML() for an HTML fragment, or collect charts in a
// Page and WriteFile it as one standalone HTML document (one bundle for the whole page).
//
// Locating the bundle: $NBPLOT_ECHARTS_JS (a file), else $DIFFREGIMES_ROOT/node_modules/echarts/dist/echarts.min.js
// (the kernel spec sets DIFFREGIMES_ROOT), else node_modules/echarts/dist/echarts.min.js in the current
// directory or a parent of it, else beside the source tree this package was built from.
//
// Non-finite values (NaN, ±Inf) are dropped from plotted data rather than breaking the chart's JSON,
// except in a Timeline, which reports them as errors (its fixed axis ranges come from every frame).
//
// A Timeline is an echarts timeline: a slider under the plot, with play/pause and prev/next buttons,
// that shows one Frame (a label and a set of line series) at a time over axes fixed across frames,
// so that the eye compares frames; Static series (a reference curve) stay in every frame. go-echarts
// v2.7.1 has no timeline, so nbplot writes the echarts option ({baseOption, options}) itself and
// renders it through the same container, guard and bundle as the other charts.
package nbplot
