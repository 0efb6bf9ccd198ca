package main

// The published site: portable HTML pages, the shared assets they load, and the index.
//
// A published page loads nothing from outside the site's folder. nbconvert's Debian template links
// require.js and MathJax by file:// URLs into /usr/share/javascript; portable rewrites every page:
// it drops require.js (nothing on our pages needs it: nbplot's echarts bundle is wrapped against it),
// replaces the MathJax block with KaTeX (assets/katex, from npm), and replaces the echarts bundle
// that nbplot inlines into the notebook (so that the .ipynb keeps working in Jupyter) by one
// <script src="assets/echarts/echarts.min.js"> in the page's head. The assets are copied into the
// site once (installAssets), not once per page.

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

var nodeModules = flag.String("node-modules", "", "folder of the npm packages echarts and katex (default: $DIFFREGIMES_ROOT/node_modules, else ./node_modules)")

// assetsDir is the site's folder of shared scripts, styles and fonts.
const assetsDir = "assets"

// siteJS renders the TeX of the Markdown cells with KaTeX's auto-render, with the delimiters of
// Jupyter's MathJax configuration, and marks the document (data-math) for the browser test.
const siteJS = `// diffregimes site: render the notebooks' TeX with KaTeX (delimiters as Jupyter's MathJax).
document.addEventListener("DOMContentLoaded", function () {
  var opts = {throwOnError: false, delimiters: [
    {left: "$$", right: "$$", display: true}, {left: "\\[", right: "\\]", display: true},
    {left: "$", right: "$", display: false}, {left: "\\(", right: "\\)", display: false}]};
  var n = 0;
  document.querySelectorAll(".jp-RenderedMarkdown").forEach(function (el) { renderMathInElement(el, opts); n++; });
  document.documentElement.setAttribute("data-math", "rendered " + n);
});
`

// asset is one file of the site's assets folder: Src under node_modules (or Text), Dst under assets/.
type asset struct {
	Src, Dst, Text string
}

// siteAssets lists the files a page may load. KaTeX's fonts: only the woff2 files (every current
// browser reads woff2 and then never asks for the woff/ttf fallbacks listed in katex.min.css).
func siteAssets(nm string) ([]asset, error) {
	as := []asset{
		{Src: "echarts/dist/echarts.min.js", Dst: "echarts/echarts.min.js"},
		{Src: "echarts/LICENSE", Dst: "echarts/LICENSE"},
		{Src: "katex/dist/katex.min.js", Dst: "katex/katex.min.js"},
		{Src: "katex/dist/katex.min.css", Dst: "katex/katex.min.css"},
		{Src: "katex/dist/contrib/auto-render.min.js", Dst: "katex/contrib/auto-render.min.js"},
		{Src: "katex/LICENSE", Dst: "katex/LICENSE"},
		{Text: siteJS, Dst: "site.js"},
	}
	fonts, _ := filepath.Glob(filepath.Join(nm, "katex", "dist", "fonts", "*.woff2"))
	if len(fonts) == 0 {
		return nil, fmt.Errorf("no KaTeX fonts under %s: run `npm ci` at the repository root (package.json pins katex), or pass -node-modules",
			filepath.Join(nm, "katex", "dist", "fonts"))
	}
	for _, f := range fonts {
		as = append(as, asset{Src: filepath.Join("katex", "dist", "fonts", filepath.Base(f)), Dst: filepath.Join("katex", "fonts", filepath.Base(f))})
	}
	return as, nil
}

// nodeModulesDir returns the -node-modules flag, else $DIFFREGIMES_ROOT/node_modules, else ./node_modules.
func nodeModulesDir() string {
	if *nodeModules != "" {
		return *nodeModules
	}
	if root := os.Getenv("DIFFREGIMES_ROOT"); root != "" {
		return filepath.Join(root, "node_modules")
	}
	return "node_modules"
}

// installAssets copies the assets into out/assets (each file written atomically).
func installAssets(nm, out string) error {
	as, err := siteAssets(nm)
	if err != nil {
		return err
	}
	for _, a := range as {
		b := []byte(a.Text)
		if a.Src != "" {
			if b, err = os.ReadFile(filepath.Join(nm, a.Src)); err != nil {
				return fmt.Errorf("site asset: %w (run `npm ci` at the repository root, or pass -node-modules)", err)
			}
		}
		dst := filepath.Join(out, assetsDir, a.Dst)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := writeAtomic(dst, b); err != nil {
			return err
		}
	}
	return nil
}

// writeAtomic writes b to path through a temporary file in the same folder and a rename.
func writeAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, werr := f.Write(b)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// exportHTML converts the executed notebook to out/<name>.html with nbconvert and makes the page
// portable.
func exportHTML(jupyter, executed, out, name string) error {
	tmp, err := os.MkdirTemp(out, ".html-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command(jupyter, "nbconvert", "--to", "html", "--output-dir", tmp, "--output", name+".html", executed)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("HTML conversion failed (%v): %s", err, tail(string(msg), 10))
	}
	b, err := os.ReadFile(filepath.Join(tmp, name+".html"))
	if err != nil {
		return fmt.Errorf("HTML conversion: %w", err)
	}
	page, css, err := portable(string(b))
	if err != nil {
		return fmt.Errorf("%s.html: %w", name, err)
	}
	for f, text := range css {
		if err := writeAtomic(filepath.Join(out, assetsDir, f), text); err != nil {
			return err
		}
	}
	return writeAtomic(filepath.Join(out, name+".html"), []byte(page))
}

var (
	requireRe = regexp.MustCompile(`<script[^>]*\ssrc="[^"]*require(\.min)?\.js"[^>]*>\s*</script>`)
	mathjaxRe = regexp.MustCompile(`(?s)<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->`)
	// nbplot's inlined bundle; it escapes "</script" inside, so its element ends at the first </script>.
	bundleRe = regexp.MustCompile(`(?s)<script type="text/javascript" data-nbplot="echarts-bundle">.*?</script>\n?`)
	// A URL leaving the site: file://, or an absolute http(s) URL in src= or a stylesheet's href=.
	cssURLRe = regexp.MustCompile(`url\(\s*['"]?(https?:)?//[^)]*\)|@import\s+url\(|@import\s+['"]`)
	remoteRe = regexp.MustCompile(`file://[^"'\s)]*|\ssrc="(https?:)?//[^"]*"|<link[^>]*\shref="(https?:)?//[^"]*"`)
)

// headAssets is what portable puts before </head>: KaTeX, the math rendering, echarts if charted.
func headAssets(charts bool) string {
	var b strings.Builder
	b.WriteString("<!-- diffregimes: site assets (KaTeX, echarts), copied once into " + assetsDir + "/ -->\n")
	b.WriteString(`<link rel="icon" href="data:,">` + "\n") // no favicon request: nothing outside the page's files
	b.WriteString(`<link rel="stylesheet" href="` + assetsDir + `/katex/katex.min.css">` + "\n")
	b.WriteString(`<script src="` + assetsDir + `/katex/katex.min.js"></script>` + "\n")
	b.WriteString(`<script src="` + assetsDir + `/katex/contrib/auto-render.min.js"></script>` + "\n")
	b.WriteString(`<script src="` + assetsDir + `/site.js"></script>` + "\n")
	if charts {
		b.WriteString(`<script src="` + assetsDir + `/echarts/echarts.min.js" data-nbplot="echarts-site"></script>` + "\n")
	}
	return b.String()
}

// headStyleRe finds the style elements of a page's head: nbconvert inlines about 0.5 MB of
// JupyterLab CSS into every page.
var headStyleRe = regexp.MustCompile(`(?s)<style[^>]*>(.*?)</style>`)

// sharedCSS moves the large style elements of the page's head into one stylesheet named by its
// content (notebook-<sha256 prefix>.css: pages with the same template share it) and links it.
func sharedCSS(page string) (string, map[string][]byte) {
	i := strings.Index(page, "</head>")
	if i < 0 {
		return page, nil
	}
	head := page[:i]
	var css strings.Builder
	head = headStyleRe.ReplaceAllStringFunc(head, func(el string) string {
		if len(el) < 2048 || relativeURL(el) {
			return el // small, or with a URL that resolves against the page: stays
		}
		css.WriteString(headStyleRe.FindStringSubmatch(el)[1])
		css.WriteString("\n")
		return ""
	})
	if css.Len() == 0 {
		return page, nil
	}
	sum := sha256.Sum256([]byte(css.String()))
	name := fmt.Sprintf("notebook-%x.css", sum[:6])
	link := `<link rel="stylesheet" href="` + assetsDir + "/" + name + `">` + "\n"
	return head + link + page[i:], map[string][]byte{name: []byte(css.String())}
}

// relativeURL reports whether CSS holds a url(...) other than a data: URL, which would resolve
// differently once moved into the assets folder.
func relativeURL(css string) bool {
	for rest := css; ; {
		i := strings.Index(rest, "url(")
		if i < 0 {
			return false
		}
		rest = rest[i+4:]
		if !strings.HasPrefix(strings.TrimLeft(rest, " '\""), "data:") {
			return true
		}
	}
}

// portable rewrites an nbconvert page so that it loads only files of the site (see the file comment),
// and returns the stylesheets it moved into the assets folder (file name under assets/ to content).
// It fails, naming the URL, if anything would still leave the site's folder.
func portable(page string) (string, map[string][]byte, error) {
	page, css := sharedCSS(page)
	page = requireRe.ReplaceAllString(page, "")
	page = mathjaxRe.ReplaceAllString(page, "")
	charts := strings.Contains(page, "echarts.init(")
	page = bundleRe.ReplaceAllString(page, "")
	i := strings.Index(page, "</head>")
	if i < 0 {
		return "", nil, fmt.Errorf("no </head> in the nbconvert page")
	}
	page = page[:i] + headAssets(charts) + page[i:]
	for _, text := range append([]string{page}, func() (l []string) {
		for _, c := range css {
			l = append(l, string(c))
		}
		return l
	}()...) {
		if m := remoteRe.FindString(text); m != "" {
			return "", nil, fmt.Errorf("the page still loads %q from outside the site (nbconvert template changed?)", m)
		}
		if m := cssURLRe.FindString(text); m != "" {
			return "", nil, fmt.Errorf("the page's CSS loads %q from outside the site", m)
		}
	}
	if strings.Contains(page, "MathJax.Hub") {
		return "", nil, fmt.Errorf("the page still configures MathJax (nbconvert template changed?)")
	}
	return page, css, nil
}

// Headline is the prefix of the line a notebook prints (nbplot.Headline) with its headline result:
//
//	headline: Figure 2 | t/t_S at the crossing = 1.02 ± 0.05 (predicted 1)
//
// The index shows the last such line of the executed notebook: the paper item before " | ", the
// measured-against-predicted number after it.
const headlinePrefix = "headline: "

// headline returns the paper item and the headline of the executed notebook ("" if it printed none).
func headline(executed string) (item, text string) {
	b, err := os.ReadFile(executed)
	if err != nil {
		return "", ""
	}
	var nb notebook
	if json.Unmarshal(b, &nb) != nil {
		return "", ""
	}
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			if o.OutputType != "stream" || o.Name != "stdout" {
				continue
			}
			for _, l := range strings.Split(multiline(o.Text), "\n") {
				if h, ok := strings.CutPrefix(strings.TrimSpace(l), headlinePrefix); ok {
					item, text, _ = strings.Cut(h, " | ")
					item, text = strings.TrimSpace(item), strings.TrimSpace(text)
				}
			}
		}
	}
	return item, text
}

// paperItemRe finds the paper item named in a title: "Figure 2", "Figures 6–11", "Table 1", "SI C".
var paperItemRe = regexp.MustCompile(`(Figures?\s+[0-9]+([–-][0-9]+)?|Table\s+[0-9]+|SI\s+[A-Z](\.[0-9]+)?|eqs?\.\s*\([0-9]+\)(\s*[–-]\s*\([0-9]+\))?)`)

// writeIndex writes out/index.html: per notebook its title, the paper item it reproduces and its
// headline (from its headline line, else the item named in its title), status, run time and files.
func writeIndex(out string, rs []result, scale string, total time.Duration) error {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>diffregimes notebooks</title><link rel="icon" href="data:,">
<style>body{font-family:sans-serif;margin:2em;max-width:80em}table{border-collapse:collapse}
td,th{padding:5px 10px;text-align:left;vertical-align:top;border-bottom:1px solid #ddd}th{background:#f4f4f4}
.ok{color:#070}.failed{color:#b00}pre{white-space:pre-wrap;margin:0;font-size:12px}.item{white-space:nowrap}
.headline{font-size:95%}.t{text-align:right;white-space:nowrap}</style></head><body>
<h1>diffregimes: <i>Dynamical Regimes of Diffusion Models</i>, reproduced</h1>
`)
	fmt.Fprintf(&b, "<p>Executed at scale <b>%s</b> on %s in %.0f s. Each notebook shows measured numbers against the paper's predictions; the headline is its last <code>headline:</code> line.</p>\n",
		html.EscapeString(scale), time.Now().UTC().Format("2006-01-02 15:04 MST"), total.Seconds())
	b.WriteString("<table>\n<tr><th>notebook</th><th>paper</th><th>headline: measured (predicted)</th><th>status</th><th class=\"t\">run time</th><th>files</th></tr>\n")
	for _, r := range rs {
		item, text := headline(filepath.Join(out, r.Name+".ipynb"))
		if item == "" {
			item = paperItemRe.FindString(r.Title)
		}
		status := `<span class="ok">ok</span>`
		if r.Err != "" {
			status = `<span class="failed">FAILED</span><pre>` + html.EscapeString(r.Err) + `</pre>`
		}
		fmt.Fprintf(&b, "<tr><td><a href=\"%[1]s.html\">%[1]s</a><br>%[2]s</td><td class=\"item\">%[3]s</td><td class=\"headline\">%[4]s</td><td>%[5]s</td><td class=\"t\">%.0f s</td><td><a href=\"%[1]s.html\">html</a> · <a href=\"%[1]s.ipynb\">ipynb</a></td></tr>\n",
			html.EscapeString(r.Name), html.EscapeString(r.Title), html.EscapeString(item), html.EscapeString(text), status, r.Duration.Seconds())
	}
	b.WriteString("</table>\n</body></html>\n")
	return writeAtomic(filepath.Join(out, "index.html"), []byte(b.String()))
}
