package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMain points -node-modules at a stand-in npm tree with the files the site copies, so that
// the publish tests do not depend on `npm ci` (the browser test checks the real assets on a real
// site).
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "publish-nm-")
	if err != nil {
		panic(err)
	}
	for _, f := range []string{"echarts/dist/echarts.min.js", "echarts/LICENSE", "katex/dist/katex.min.js", "katex/dist/katex.min.css",
		"katex/dist/contrib/auto-render.min.js", "katex/LICENSE", "katex/dist/fonts/KaTeX_Main-Regular.woff2", "katex/dist/fonts/KaTeX_Main-Regular.ttf"} {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			panic(err)
		}
		if err := os.WriteFile(p, []byte("/* "+f+" */"), 0o644); err != nil {
			panic(err)
		}
	}
	*nodeModules = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// nbconvertPage is the shape of a page of Debian's nbconvert lab template with an nbplot chart.
var nbconvertPage = `<!DOCTYPE html>
<html><head><meta charset="utf-8">
<title>x</title><script src="file:///usr/share/javascript/requirejs/require.min.js"></script>
<style>.a{}</style>
<style type="text/css">.jp-big{color:red}` + strings.Repeat("/* lab css */", 200) + `</style>
<!-- Load mathjax -->
    <script src="file:///usr/share/javascript/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"> </script>
    <script type="text/x-mathjax-config">
    init_mathjax = function() { if (window.MathJax) { MathJax.Hub.Config({}); MathJax.Hub.Queue(["Typeset", MathJax.Hub]); } }
    init_mathjax();
    </script>
    <!-- End of mathjax configuration --></head>
<body><div class="jp-RenderedMarkdown"><p>$$\phi(t)$$ and $t_S$</p></div>
<script type="text/javascript" data-nbplot="echarts-bundle">
if(!window.echarts){(function(define,exports,module){
var x = "<\/script>"; /* the bundle */
}).call(window);}
</script>
<div class="nbplot-chart"><div id="abc"></div><script>let c = echarts.init(document.getElementById("abc"));</script></div>
</body></html>
`

func TestPortable(t *testing.T) {
	got, css, err := portable(nbconvertPage)
	if err != nil {
		t.Fatal(err)
	}
	if len(css) != 1 {
		t.Fatalf("%d shared stylesheets, want 1 (the big head style)", len(css))
	}
	for f, text := range css {
		if !strings.HasPrefix(f, "notebook-") || !strings.Contains(string(text), ".jp-big") || strings.Count(got, `href="assets/`+f+`"`) != 1 {
			t.Errorf("stylesheet %s (%d bytes) not moved and linked", f, len(text))
		}
	}
	if strings.Contains(got, ".jp-big") || !strings.Contains(got, "<style>.a{}</style>") {
		t.Error("the big head style must move to the assets, small ones stay")
	}
	for _, bad := range []string{"file://", "MathJax", "require.min.js", `data-nbplot="echarts-bundle"`, "the bundle"} {
		if strings.Contains(got, bad) {
			t.Errorf("portable page still holds %q:\n%s", bad, got)
		}
	}
	for _, want := range []string{`<link rel="icon" href="data:,">`, `href="assets/katex/katex.min.css"`, `src="assets/katex/katex.min.js"`,
		`src="assets/katex/contrib/auto-render.min.js"`, `src="assets/site.js"`, `src="assets/echarts/echarts.min.js"`,
		`$$\phi(t)$$`, `echarts.init(document.getElementById("abc"))`} {
		if strings.Count(got, want) != 1 {
			t.Errorf("portable page holds %q %d times, want once", want, strings.Count(got, want))
		}
	}
	if i, j := strings.Index(got, "assets/echarts/echarts.min.js"), strings.Index(got, "echarts.init("); i > j {
		t.Error("echarts must load in the head, before the first chart script")
	}
	// A page without charts does not load echarts.
	plain, _, err := portable(strings.Replace(nbconvertPage, "echarts.init(", "other(", 1))
	if err != nil || strings.Contains(plain, "echarts.min.js") {
		t.Errorf("page without charts: err %v, loads echarts: %v", err, strings.Contains(plain, "echarts.min.js"))
	}
	// Anything else that leaves the site is an error naming it.
	for _, extra := range []string{`<img src="file:///tmp/x.png">`, `<script src="https://cdn.example.org/x.js"></script>`,
		`<link rel="stylesheet" href="//cdn.example.org/x.css">`, `<style>@import url("https://fonts.example.org/a.css");</style>`} {
		_, _, err := portable(strings.Replace(nbconvertPage, "<body>", "<body>"+extra, 1))
		if err == nil || !strings.Contains(err.Error(), "outside the site") {
			t.Errorf("page with %s: error %v, want one naming the URL", extra, err)
		}
	}
}

func TestInstallAssets(t *testing.T) {
	out := t.TempDir()
	if err := installAssets(*nodeModules, out); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"echarts/echarts.min.js", "katex/katex.min.js", "katex/katex.min.css", "katex/contrib/auto-render.min.js",
		"katex/fonts/KaTeX_Main-Regular.woff2", "site.js"} {
		if _, err := os.Stat(filepath.Join(out, assetsDir, f)); err != nil {
			t.Error(err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, assetsDir, "katex/fonts/KaTeX_Main-Regular.ttf")); err == nil {
		t.Error("only the woff2 fonts are copied")
	}
	err := installAssets(t.TempDir(), out)
	if err == nil || !strings.Contains(err.Error(), "npm ci") {
		t.Errorf("missing npm packages: error %v, want one saying to run npm ci", err)
	}
}

const headlineNB = `{"cells": [
 {"cell_type": "markdown", "source": ["# 11 · Figure 2: speciation"], "metadata": {}},
 {"cell_type": "code", "source": "x", "metadata": {}, "outputs": [
  {"output_type": "stream", "name": "stdout", "text": ["d=16 ...\n", "headline: Figure 2 | early\n"]}]},
 {"cell_type": "code", "source": "y", "metadata": {}, "outputs": [
  {"output_type": "stream", "name": "stdout", "text": "table\n  headline: Figure 2 | t/t_S = 1.02 ± 0.05 (predicted 1)\nmore\n"}]}
]}`

func TestHeadlineAndIndex(t *testing.T) {
	out := t.TempDir()
	if err := os.WriteFile(filepath.Join(out, "11_fig.ipynb"), []byte(headlineNB), 0o644); err != nil {
		t.Fatal(err)
	}
	item, text := headline(filepath.Join(out, "11_fig.ipynb"))
	if item != "Figure 2" || text != "t/t_S = 1.02 ± 0.05 (predicted 1)" {
		t.Errorf("headline = %q, %q: want the last headline line's item and text", item, text)
	}
	rs := []result{{Name: "11_fig", Title: "11 · Figure 2: speciation", Duration: 3 * time.Second},
		{Name: "14_rem", Title: "14 · The random energy model (SI C)", Err: "code cell 2: boom"}}
	if err := writeIndex(out, rs, "smoke", time.Minute); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{"t/t_S = 1.02 ± 0.05 (predicted 1)", `<td class="item">Figure 2</td>`, `<td class="item">SI C</td>`,
		"FAILED", "code cell 2: boom", `<td class="t">3 s</td>`, `href="14_rem.ipynb"`} {
		if !strings.Contains(s, want) {
			t.Errorf("index lacks %q:\n%s", want, s)
		}
	}
}

func TestPaperItem(t *testing.T) {
	for title, want := range map[string]string{
		"31 · Figure 4: speciation in real image datasets":            "Figure 4",
		"33 · Figures 6–11: generated samples":                        "Figures 6–11",
		"Table 1: the speciation time from the data covariance":       "Table 1",
		"20 · Training the U-Net DDPM denoiser (SI D.2)":              "SI D.2",
		"12 · The potential V(q,t): how a trajectory picks its class": "",
	} {
		if got := paperItemRe.FindString(title); got != want {
			t.Errorf("paper item of %q = %q, want %q", title, got, want)
		}
	}
}

func TestRelativeURL(t *testing.T) {
	for css, want := range map[string]bool{`a{b:url(data:image/png;base64,xx)} c{d:url("data:x")}`: false, `a{b:url( 'fonts/x.woff')}`: true, `a{}`: false} {
		if relativeURL(css) != want {
			t.Errorf("relativeURL(%q) = %v", css, !want)
		}
	}
}
