//go:build browser

// Package browser serves the published site (cmd/publish) from a local HTTP server on 127.0.0.1 and
// opens every page in headless Chromium through the DevTools protocol (chromedp), offline. Per page
// it checks that every nbplot chart was drawn (an echarts instance whose canvas has pixels), that
// the TeX of the Markdown cells was rendered by KaTeX (renderer elements present, no katex-error,
// no raw $$ or $...$ left), that every timeline (slider) chart switches frames, and that no request
// failed or left the site. A second test scans every published file for file:// URLs; negative
// controls break a page (no echarts, no KaTeX) and require the checks to fail. Run after
// publishing (the Makefile's test-browser target):
//
//	go test -tags browser ./tests/browser -site out/smoke
//
// TestScreenshots (make screenshots) writes PNGs of chosen charts with -shots DIR.
// The build tag keeps it out of `go test ./...`: it needs Chromium and a published site.
package browser

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

var (
	site      = flag.String("site", "../../out/smoke", "folder of the published site")
	notebook  = flag.String("notebook", "00_forward_process", "notebook whose page gets the negative controls")
	slider    = flag.String("timeline", "12_potential", "notebook that must hold an nbplot timeline (slider) chart")
	chromeBin = flag.String("chromium", "", "Chromium executable (default: $CHROMIUM, chromium, chromium-browser)")
	shots     = flag.String("shots", "", "TestScreenshots: folder for the PNGs (skipped when empty)")
	shotList  = flag.String("shot-list", "11_figure2_speciation:0:figure2,32_figure5_collapse:0:figure5-phiC,32_figure5_collapse:2:figure5-entropy,32_figure5_collapse:table:figure5-table",
		"TestScreenshots: page:chart index (or \"table\"):file name, comma separated")
)

func chromium(t testing.TB) string {
	t.Helper()
	for _, c := range []string{*chromeBin, os.Getenv("CHROMIUM"), "chromium", "chromium-browser"} {
		if c == "" {
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	t.Fatal("no Chromium found (install Debian's chromium, or pass -chromium)")
	return ""
}

// brokenParam, in a page's query, makes the test server serve the page without its echarts or
// KaTeX scripts (the negative controls).
const brokenParam = "broken"

// serve starts the site's HTTP server on 127.0.0.1. ?broken=echarts|katex serves a page without
// that script.
func serve(t testing.TB, dir string) *httptest.Server {
	files := http.FileServer(http.Dir(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		what := r.URL.Query().Get(brokenParam)
		if what == "" {
			files.ServeHTTP(w, r)
			return
		}
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(r.URL.Path, "/"))))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		re := regexp.MustCompile(`<script src="assets/` + map[string]string{"echarts": `echarts/`, "katex": `katex/`}[what] + `[^"]*"[^>]*></script>`)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(re.ReplaceAll(b, nil))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// browser starts one headless Chromium for the test, offline: every host name resolves to nothing,
// so only the 127.0.0.1 site answers.
func browser(t testing.TB) context.Context {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.Flag("hide-scrollbars", true), chromedp.WindowSize(1200, 900), chromedp.UserDataDir(t.TempDir()))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return ctx
}

// traffic records, for one tab, requests that left the site, failed or were answered >= 400, and
// uncaught JavaScript exceptions.
type traffic struct {
	mu     sync.Mutex
	origin string
	urls   map[network.RequestID]string
	bad    []string
	n      int
}

func (tr *traffic) listen(ctx context.Context) error {
	return chromedp.Listen(ctx, func(ev any) {
		tr.mu.Lock()
		defer tr.mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			tr.urls[e.RequestID] = e.Request.URL
			tr.n++
			u := e.Request.URL
			if !strings.HasPrefix(u, tr.origin+"/") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
				tr.bad = append(tr.bad, "request leaves the site: "+u)
			}
		case *network.EventLoadingFailed:
			tr.bad = append(tr.bad, fmt.Sprintf("request failed (%s): %s", e.ErrorText, tr.urls[e.RequestID]))
		case *network.EventResponseReceived:
			if e.Response.Status >= 400 {
				tr.bad = append(tr.bad, fmt.Sprintf("HTTP %d: %s", int(e.Response.Status), e.Response.URL))
			}
		case *runtime.EventExceptionThrown:
			d := e.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			tr.bad = append(tr.bad, fmt.Sprintf("JavaScript exception at %s:%d: %s", d.URL, d.LineNumber, msg))
		}
	})
}

// pageState is what stateJS reports about a loaded page.
type pageState struct {
	Math       string            `json:"math"`       // site.js's data-math mark
	Katex      int               `json:"katex"`      // rendered KaTeX elements
	KatexError int               `json:"katexError"` // KaTeX parse errors
	RawTeX     []string          `json:"rawTeX"`     // text still holding $$ or $...$
	Charts     map[string]int    `json:"charts"`     // chart id -> painted pixels sampled (-1: no echarts instance)
	Guards     int               `json:"guards"`     // nbplot's "echarts is not loaded" messages
	Slides     map[string]string `json:"slides"`     // timeline chart id -> "ok" or what failed
	Tables     int               `json:"tables"`     // HTML tables in the outputs
	RawTables  []string          `json:"rawTables"`  // output text that still looks like a Markdown table
}

// stateJS inspects the page: math, charts (painted pixels of their canvases), guard messages,
// timeline charts moved to their last frame, tables.
const stateJS = `(() => {
  const st = {math: document.documentElement.getAttribute("data-math") || "", katex: document.querySelectorAll(".katex").length,
    katexError: document.querySelectorAll(".katex-error").length, rawTeX: [], charts: {}, guards: 0, slides: {}, tables: 0, rawTables: []};
  document.querySelectorAll(".jp-RenderedMarkdown").forEach(el => {
    const c = el.cloneNode(true);
    c.querySelectorAll(".katex, pre, code").forEach(k => k.remove());
    const m = c.textContent.match(/\$\$[\s\S]*?\$\$|\$[^$\s][^$]*\$/);
    if (m) st.rawTeX.push(m[0].slice(0, 80));
  });
  document.querySelectorAll(".nbplot-chart .item[id], .nbplot-chart [data-nbplot-frames]").forEach(el => {
    const inst = window.echarts && echarts.getInstanceByDom(el);
    if (!inst) { st.charts[el.id] = -1; return; }
    let px = 0;
    el.querySelectorAll("canvas").forEach(cv => {
      const d = cv.getContext("2d").getImageData(0, 0, cv.width, cv.height).data;
      for (let i = 0; i < d.length; i += 4 * 7) if (d[i + 3] > 0 && (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235)) px++;
    });
    st.charts[el.id] = px;
  });
  st.guards = [...document.querySelectorAll(".nbplot-chart pre")].filter(p => p.textContent.startsWith("nbplot: echarts is not loaded")).length;
  document.querySelectorAll("[data-nbplot-frames]").forEach(el => {
    const inst = window.echarts && echarts.getInstanceByDom(el), n = +el.getAttribute("data-nbplot-frames");
    if (!inst) { st.slides[el.id] = "no echarts instance"; return; }
    const a = inst.getOption(), label = a.title[0].subtext, data = JSON.stringify(a.series[0].data);
    const rest = JSON.stringify(a.series.slice(1).map(s => s.data));
    inst.dispatchAction({type: "timelineChange", currentIndex: n - 1});
    const b = inst.getOption(), res = [];
    if (b.timeline[0].currentIndex !== n - 1) res.push("index " + b.timeline[0].currentIndex);
    if (b.title[0].subtext === label) res.push("label unchanged");
    if (JSON.stringify(b.series[0].data) === data) res.push("data unchanged");
    if (b.series.length !== a.series.length) res.push(b.series.length + " series, was " + a.series.length);
    else if (n > 1 && JSON.stringify(b.series.slice(1).map(s => s.data)) !== rest) res.push("static series changed");
    st.slides[el.id] = res.length ? res.join("; ") : "ok";
  });
  st.tables = document.querySelectorAll(".jp-OutputArea-output table").length;
  document.querySelectorAll(".jp-OutputArea-output pre").forEach(p => {
    const m = p.textContent.match(/^\s*\|.*\|\s*\n\s*\|[\s:|-]+\|\s*$/m);
    if (m) st.rawTables.push(m[0].slice(0, 80));
  });
  return st;
})()`

// load opens the page in a new tab and returns its state and the traffic problems seen.
func load(t *testing.T, bctx context.Context, origin, path string) (pageState, []string) {
	t.Helper()
	ctx, cancel := chromedp.NewContext(bctx)
	defer cancel()
	ctx, cancel2 := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel2()
	tr := &traffic{origin: origin, urls: map[network.RequestID]string{}}
	if err := tr.listen(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, runtime.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx, chromedp.Navigate(origin+"/"+path), chromedp.WaitReady(chromedp.CSS("body")))
	var st pageState
	if err == nil {
		st, err = chromedp.Run(ctx, chromedp.Evaluate[pageState](stateJS))
	}
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return st, append([]string(nil), tr.bad...)
}

// mathCells counts the Markdown cells of the published notebook that hold TeX ($).
func mathCells(t *testing.T, ipynb string) int {
	b, err := os.ReadFile(ipynb)
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		Cells []struct {
			Type   string          `json:"cell_type"`
			Source json.RawMessage `json:"source"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(b, &nb); err != nil {
		t.Fatalf("%s: %v", ipynb, err)
	}
	n := 0
	for _, c := range nb.Cells {
		if c.Type == "markdown" && strings.Contains(string(c.Source), "$") {
			n++
		}
	}
	return n
}

var chartIDRe = regexp.MustCompile(`<div class="item" id="([A-Za-z0-9_]+)"|id="([A-Za-z0-9_]+)" data-nbplot-frames="`)

// chartIDs lists the nbplot charts of a page source.
func chartIDs(src string) []string {
	var ids []string
	for _, m := range chartIDRe.FindAllStringSubmatch(src, -1) {
		ids = append(ids, m[1]+m[2])
	}
	return ids
}

// minPixels is the fewest painted pixels (of every 7th sampled) a drawn chart shows: axes, labels
// and one curve give thousands.
const minPixels = 200

func pages(t *testing.T) []string {
	ps, _ := filepath.Glob(filepath.Join(*site, "*.html"))
	if len(ps) == 0 {
		t.Fatalf("no pages under %s: publish the notebooks first", *site)
	}
	return ps
}

func TestPublishedSite(t *testing.T) {
	srv := serve(t, *site)
	bctx := browser(t)
	var found, foundTimeline bool
	for _, p := range pages(t) {
		name := strings.TrimSuffix(filepath.Base(p), ".html")
		found = found || name == *notebook
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			st, bad := load(t, bctx, srv.URL, name+".html")
			for _, b := range bad {
				t.Error(b)
			}
			if name == "index" {
				return
			}
			if !strings.HasPrefix(st.Math, "rendered") {
				t.Errorf("site.js did not run (data-math %q): KaTeX missing?", st.Math)
			}
			if want := mathCells(t, strings.TrimSuffix(p, ".html")+".ipynb"); want > 0 && st.Katex < want {
				t.Errorf("%d KaTeX elements for %d Markdown cells with TeX: equations not rendered", st.Katex, want)
			}
			if st.KatexError > 0 {
				t.Errorf("%d KaTeX errors (TeX KaTeX cannot parse)", st.KatexError)
			}
			for _, r := range st.RawTeX {
				t.Errorf("raw TeX left in the page: %q", r)
			}
			for _, r := range st.RawTables {
				t.Errorf("a Markdown table printed as text, not rendered: %q", r)
			}
			if n := strings.Count(string(src), "if(!window.echarts){(function(define,exports,module){"); n != 0 {
				t.Errorf("the page inlines %d echarts bundles: the site loads assets/echarts/echarts.min.js once", n)
			}
			ids := chartIDs(string(src))
			if name == *notebook && len(ids) == 0 {
				t.Fatalf("%s has no nbplot chart", p)
			}
			for _, id := range ids {
				if px, ok := st.Charts[id]; !ok || px < minPixels {
					t.Errorf("chart %s was not drawn (%d painted pixels sampled, -1: no echarts instance)", id, px)
				}
			}
			if st.Guards > 0 {
				t.Errorf("the nbplot guard reports echarts missing in %d charts", st.Guards)
			}
			for id, res := range st.Slides {
				foundTimeline = foundTimeline || name == *slider
				if res != "ok" {
					t.Errorf("timeline chart %s did not slide to its last frame: %s", id, res)
				}
			}
		})
	}
	if !found {
		t.Errorf("no %s.html under %s: publish the notebooks first", *notebook, *site)
	}
	if !foundTimeline {
		t.Errorf("no timeline (slider) chart in %s.html under %s", *slider, *site)
	}
}

// TestNegativeControls serves the -notebook page without echarts, then without KaTeX: the chart and
// math checks above must then fail.
func TestNegativeControls(t *testing.T) {
	srv := serve(t, *site)
	bctx := browser(t)
	page := *notebook + ".html"
	src, err := os.ReadFile(filepath.Join(*site, page))
	if err != nil {
		t.Fatalf("%v: publish the notebooks first", err)
	}
	ids := chartIDs(string(src))
	st, _ := load(t, bctx, srv.URL, page+"?"+brokenParam+"=echarts")
	for _, id := range ids {
		if st.Charts[id] >= minPixels {
			t.Errorf("chart %s counts as drawn without echarts: the check cannot fail", id)
		}
	}
	if st.Guards != len(ids) {
		t.Errorf("without echarts the nbplot guard must show in all %d charts, shows in %d", len(ids), st.Guards)
	}
	if mathCells(t, filepath.Join(*site, *notebook+".ipynb")) == 0 {
		t.Fatalf("%s has no TeX: pick a -notebook with equations", page)
	}
	st, bad := load(t, bctx, srv.URL, page+"?"+brokenParam+"=katex")
	if st.Katex > 0 || len(st.RawTeX) == 0 {
		t.Errorf("without KaTeX: %d KaTeX elements, %d raw TeX found: the math check cannot fail", st.Katex, len(st.RawTeX))
	}
	if len(bad) == 0 {
		t.Error("without KaTeX site.js must throw (renderMathInElement undefined): the exception check cannot fail")
	}
}

// TestNoFileURLs scans every published file for file:// URLs.
func TestNoFileURLs(t *testing.T) {
	n := 0
	err := filepath.WalkDir(*site, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		if i := strings.Index(string(b), "file://"); i >= 0 {
			end := min(len(b), i+80)
			t.Errorf("%s holds a file:// URL: %q", p, b[i:end])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 3 {
		t.Fatalf("only %d files under %s: publish the notebooks first", n, *site)
	}
}

// TestScreenshots writes PNGs of the charts named by -shot-list into -shots (make screenshots).
func TestScreenshots(t *testing.T) {
	if *shots == "" {
		t.Skip("no -shots folder")
	}
	if err := os.MkdirAll(*shots, 0o755); err != nil {
		t.Fatal(err)
	}
	srv := serve(t, *site)
	bctx := browser(t)
	for _, spec := range strings.Split(*shotList, ",") {
		f := strings.Split(spec, ":")
		if len(f) != 3 {
			t.Fatalf("-shot-list item %q: want page:index:name", spec)
		}
		sel := `document.querySelectorAll(".jp-OutputArea-output table")[0]`
		if f[1] != "table" {
			i, err := strconv.Atoi(f[1])
			if err != nil {
				t.Fatalf("-shot-list item %q: %v", spec, err)
			}
			sel = fmt.Sprintf(`document.querySelectorAll(".nbplot-chart")[%d]`, i)
		}
		tab, cancelTab := chromedp.NewContext(bctx)
		ctx, cancel := context.WithTimeout(tab, time.Minute)
		err := chromedp.Do(ctx, chromedp.EmulateViewport(1100, 900), chromedp.Navigate(srv.URL+"/"+f[0]+".html"),
			chromedp.WaitReady(chromedp.CSS("body")), chromedp.Sleep(1200*time.Millisecond)) // echarts' entry animation
		var png []byte
		if err == nil {
			png, err = chromedp.Run(ctx, chromedp.Screenshot(chromedp.JSPath(sel)))
		}
		cancel()
		cancelTab()
		if err != nil {
			t.Fatalf("%s: %v (is there such a chart or table on the page?)", spec, err)
		}
		out := filepath.Join(*shots, f[2]+".png")
		if err := os.WriteFile(out, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d bytes", out, len(png))
	}
}
