//go:build browser

// Package browser opens the published notebooks (HTML from cmd/publish) in headless Chromium, offline,
// and checks that echarts drew every nbplot chart and that every timeline (slider) chart switches
// frames. Run after publishing (the Makefile's test target):
//
//	go test -tags browser ./tests/browser -site out/smoke
//
// The build tag keeps it out of `go test ./...`: it needs Chromium and a published site.
package browser

import (
	"bytes"
	"context"
	"flag"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var (
	site      = flag.String("site", "../../out/smoke", "folder of published notebook HTML")
	notebook  = flag.String("notebook", "00_forward_process", "notebook whose charts get the pixel and negative-control checks")
	slider    = flag.String("timeline", "12_potential", "notebook that must hold an nbplot timeline (slider) chart")
	chromeBin = flag.String("chromium", "", "Chromium executable (default: $CHROMIUM, chromium, chromium-browser)")
)

func chromium(t *testing.T) string {
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

// run starts headless Chromium on a local file with every network access refused.
func run(t *testing.T, bin, file string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9", // offline
		"--user-data-dir=" + t.TempDir(), "--virtual-time-budget=8000", "--hide-scrollbars"}
	abs, err := filepath.Abs(file)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, bin, append(append(base, args...), "file://"+abs)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v on %s: %v\n%s", args, file, err, stderr.String())
	}
	return stdout.Bytes()
}

var chartIDRe = regexp.MustCompile(`<div class="nbplot-chart"><div class="container">\s*<div class="item" id="([A-Za-z0-9_]+)"`)

// drawn returns, for each chart id of the page source, whether the dumped DOM has a canvas in its
// container: echarts.init creates it, so it is missing when echarts did not run.
func drawn(src, dom string) map[string]bool {
	out := map[string]bool{}
	for _, m := range chartIDRe.FindAllStringSubmatch(src, -1) {
		id := m[1]
		i := strings.Index(dom, `id="`+id+`"`)
		if i < 0 {
			out[id] = false
			continue
		}
		rest := dom[i:]
		if j := strings.Index(rest[1:], `class="nbplot-chart"`); j >= 0 {
			rest = rest[:j+1]
		}
		out[id] = strings.Contains(rest, "<canvas")
	}
	return out
}

// framesRe finds the timeline (slider) charts of a page source and their number of frames; once
// echarts has drawn one, nbplot's script sets data-nbplot-timeline on it to the number of frames
// echarts' timeline component holds.
var framesRe = regexp.MustCompile(`id="([A-Za-z0-9_]+)" data-nbplot-frames="([0-9]+)"`)

// timelines returns the frame count of each timeline chart of the page source, by chart id.
func timelines(src string) map[string]string {
	out := map[string]string{}
	for _, m := range framesRe.FindAllStringSubmatch(src, -1) {
		out[m[1]] = m[2]
	}
	return out
}

// attr returns the value of attribute name on the element with the given id in the dumped DOM.
func attr(dom, id, name string) (string, bool) {
	i := strings.Index(dom, `id="`+id+`"`)
	if i < 0 {
		return "", false
	}
	tag := dom[i:]
	if j := strings.IndexByte(tag, '>'); j >= 0 {
		tag = tag[:j]
	}
	m := regexp.MustCompile(regexp.QuoteMeta(name) + `="([^"]*)"`).FindStringSubmatch(tag)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// guardRe matches the message nbplot's guard writes into a chart's container when echarts is
// missing (the guard's own script text, also in the DOM, does not match: it is not inside the div).
var guardRe = regexp.MustCompile(`id="[A-Za-z0-9_]+"[^>]*>\s*<pre[^>]*>nbplot: echarts is not loaded`)

func guardShown(dom string) int { return len(guardRe.FindAllString(dom, -1)) }

func TestPublishedChartsDrawn(t *testing.T) {
	bin := chromium(t)
	pages, _ := filepath.Glob(filepath.Join(*site, "*.html"))
	var found bool
	for _, p := range pages {
		name := strings.TrimSuffix(filepath.Base(p), ".html")
		if name == "index" {
			continue
		}
		found = found || name == *notebook
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			charts := drawn(string(src), string(src))
			if name == *notebook && len(charts) == 0 {
				t.Fatalf("%s has no nbplot chart", p)
			}
			if len(charts) == 0 {
				return
			}
			// One kernel session = one page: the bundle travels with the first chart only.
			if n := strings.Count(string(src), "if(!window.echarts){(function(define,exports,module){"); n != 1 {
				t.Errorf("%s holds %d echarts bundles, want 1", p, n)
			}
			dom := string(run(t, bin, p, "--dump-dom"))
			for id, ok := range drawn(string(src), dom) {
				if !ok {
					t.Errorf("%s: chart %s was not drawn (no canvas: echarts did not run)", p, id)
				}
			}
			if n := guardShown(dom); n > 0 {
				t.Errorf("%s: the nbplot guard reports echarts missing in %d charts", p, n)
			}
			for id, n := range timelines(string(src)) {
				if got, _ := attr(dom, id, "data-nbplot-timeline"); got != n {
					t.Errorf("%s: timeline chart %s: echarts holds %q frames, the page %s", p, id, got, n)
				}
			}
		})
	}
	if !found {
		t.Fatalf("no %s.html under %s: publish the notebooks first", *notebook, *site)
	}
}

// TestNegativeControl removes the inlined echarts bundle from the notebook's page: the checks above
// must then fail (no canvas, guard message shown) and the screenshot must lose the chart's pixels.
func TestNegativeControl(t *testing.T) {
	bin := chromium(t)
	page := filepath.Join(*site, *notebook+".html")
	src, err := os.ReadFile(page)
	if err != nil {
		t.Fatalf("%v: publish the notebooks first", err)
	}
	const marker = "if(!window.echarts){(function(define,exports,module){"
	if !bytes.Contains(src, []byte(marker)) {
		t.Fatalf("%s does not hold the wrapped echarts bundle", page)
	}
	broken := bytes.ReplaceAll(src, []byte(marker), []byte("if(false){(function(define,exports,module){"))
	dir := t.TempDir()
	bad := filepath.Join(dir, "broken.html")
	good := filepath.Join(dir, "good.html")
	if err := os.WriteFile(bad, broken, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(good, src, 0o644); err != nil {
		t.Fatal(err)
	}
	dom := string(run(t, bin, bad, "--dump-dom"))
	for id, ok := range drawn(string(src), dom) {
		if ok {
			t.Errorf("chart %s has a canvas without the echarts bundle: the check cannot fail", id)
		}
	}
	if n, want := guardShown(dom), len(drawn(string(src), string(src))); n != want {
		t.Errorf("without the bundle the nbplot guard message must show in all %d charts, shows in %d", want, n)
	}

	shot := func(file string) image.Image {
		out := file + ".png"
		run(t, bin, file, "--screenshot="+out, "--window-size=1200,6000")
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	a, b := shot(good), shot(bad)
	if a.Bounds() != b.Bounds() {
		t.Fatalf("screenshots differ in size: %v vs %v", a.Bounds(), b.Bounds())
	}
	diff := 0
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 {
				diff++
			}
		}
	}
	t.Logf("%d pixels drawn by echarts", diff)
	if diff < 5000 {
		t.Errorf("only %d pixels differ with and without echarts: the charts drew (almost) nothing", diff)
	}
}

// slideJS, appended to a copy of a page, moves every timeline chart to its last frame the way the
// slider does (echarts' timelineChange action) and records on the chart's element whether the
// frame's label and its first series changed while the static series stayed.
const slideJS = `<script>
document.querySelectorAll("[data-nbplot-frames]").forEach(function (el) {
  var inst = echarts.getInstanceByDom(el), n = +el.getAttribute("data-nbplot-frames");
  var a = inst.getOption(), label = a.title[0].subtext, data = JSON.stringify(a.series[0].data);
  var rest = JSON.stringify(a.series.slice(1).map(function (s) { return s.data; }));
  inst.dispatchAction({type: "timelineChange", currentIndex: n - 1});
  var b = inst.getOption(), res = [];
  if (b.timeline[0].currentIndex !== n - 1) res.push("index " + b.timeline[0].currentIndex);
  if (b.title[0].subtext === label) res.push("label unchanged");
  if (JSON.stringify(b.series[0].data) === data) res.push("data unchanged");
  if (b.series.length !== a.series.length) res.push(b.series.length + " series, was " + a.series.length);
  else if (n > 1 && JSON.stringify(b.series.slice(1).map(function (s) { return s.data; })) !== rest) res.push("static series changed");
  el.setAttribute("data-test-slide", res.length ? res.join("; ") : "ok");
});
</script>
`

// TestTimelineSlides checks, offline, that every timeline chart of the published pages switches
// frames: its label and curve change, its static series stay. The -timeline notebook must hold one.
func TestTimelineSlides(t *testing.T) {
	bin := chromium(t)
	pages, _ := filepath.Glob(filepath.Join(*site, "*.html"))
	var found bool
	for _, p := range pages {
		name := strings.TrimSuffix(filepath.Base(p), ".html")
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		tls := timelines(string(src))
		if len(tls) == 0 {
			continue
		}
		found = found || name == *slider
		t.Run(name, func(t *testing.T) {
			i := bytes.LastIndex(src, []byte("</body>"))
			if i < 0 {
				t.Fatalf("%s has no </body>", p)
			}
			page := filepath.Join(t.TempDir(), "slide.html")
			if err := os.WriteFile(page, append(append(append([]byte(nil), src[:i]...), slideJS...), src[i:]...), 0o644); err != nil {
				t.Fatal(err)
			}
			dom := string(run(t, bin, page, "--dump-dom"))
			for id := range tls {
				if got, ok := attr(dom, id, "data-test-slide"); got != "ok" {
					t.Errorf("%s: timeline chart %s did not slide to its last frame: %q (present %v)", p, id, got, ok)
				}
			}
		})
	}
	if !found {
		t.Fatalf("no %s.html with a timeline chart under %s: publish the notebooks first", *slider, *site)
	}
}
