// Command publish executes every notebook of a folder headless with the project's GoNB kernel and
// publishes the executed notebooks (.ipynb), their self-contained HTML and an index page into one
// output folder. A notebook whose cell fails is still published (with its error shown); publish goes
// on with the others and, at the end, exits non-zero naming each failing notebook and its cell error.
//
//	go run ./cmd/publish -scale quick -out out/site notebooks
//
// It needs jupyter nbconvert and the kernel spec found through $JUPYTER_PATH (the Makefile sets both).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/diffregimes/diffregimes/pkg/scale"
)

func main() {
	scaleFlag := flag.String("scale", "", "value of $DIFFREGIMES_SCALE for the notebooks: smoke, quick or paper (default: $DIFFREGIMES_SCALE, else quick)")
	out := flag.String("out", "out/site", "output folder")
	jobs := flag.Int("jobs", 2, "notebooks executed at the same time")
	cellTimeout := flag.Duration("cell-timeout", 15*time.Minute, "limit for one cell")
	nbTimeout := flag.Duration("timeout", 40*time.Minute, "limit for one notebook")
	jupyter := flag.String("jupyter", "/usr/bin/jupyter", "jupyter executable (Debian's)")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: publish [flags] [notebook folder or .ipynb files...] (default: notebooks)\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	sc, err := scale.Resolve(*scaleFlag)
	if err != nil {
		fmt.Fprintln(os.Stderr, "publish:", err)
		os.Exit(2)
	}
	if err := run(string(sc), *out, *jobs, *cellTimeout, *nbTimeout, *jupyter, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "publish:", err)
		os.Exit(1)
	}
}

// result is the outcome of one notebook.
type result struct {
	Name     string // file name without .ipynb
	Title    string // first markdown heading
	Duration time.Duration
	Err      string // "" when every cell ran
}

func run(scale, out string, jobs int, cellTimeout, nbTimeout time.Duration, jupyter string, args []string) error {
	switch scale {
	case "smoke", "quick", "paper":
	default:
		return fmt.Errorf("-scale=%q: want smoke, quick or paper", scale)
	}
	if jobs < 1 {
		return fmt.Errorf("-jobs=%d: want >= 1", jobs)
	}
	if len(args) == 0 {
		args = []string{"notebooks"}
	}
	var (
		nbs []string
		err error
	)
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return fmt.Errorf("notebook argument: %w", err)
		}
		if !st.IsDir() {
			nbs = append(nbs, a)
			continue
		}
		m, _ := filepath.Glob(filepath.Join(a, "*.ipynb"))
		nbs = append(nbs, m...)
	}
	sort.Strings(nbs)
	for i, nb := range nbs {
		if nbs[i], err = filepath.Abs(nb); err != nil {
			return err
		}
	}
	if len(nbs) == 0 {
		return fmt.Errorf("no notebooks in %s", strings.Join(args, " "))
	}
	if err = os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	absOut, err := filepath.Abs(out)
	if err != nil {
		return err
	}

	if err := installAssets(nodeModulesDir(), absOut); err != nil {
		return err
	}
	results := make([]result, len(nbs))
	start := time.Now()
	for _, w := range waves(nbs) {
		sem := make(chan struct{}, jobs)
		var wg sync.WaitGroup
		for _, i := range w {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				results[i] = publishOne(nbs[i], absOut, scale, cellTimeout, nbTimeout, jupyter)
				status := "ok"
				if results[i].Err != "" {
					status = "FAILED"
				}
				fmt.Fprintf(os.Stderr, "publish: %-32s %-6s %6.1fs\n", results[i].Name, status, results[i].Duration.Seconds())
			}()
		}
		wg.Wait()
	}

	index := filepath.Join(absOut, "index.html")
	if err := writeIndex(absOut, results, scale, time.Since(start)); err != nil {
		return err
	}
	fmt.Printf("index: %s\n", index)
	var failed []string
	for _, r := range results {
		if r.Err != "" {
			failed = append(failed, fmt.Sprintf("%s.ipynb: %s", r.Name, r.Err))
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d notebooks failed:\n  %s", len(failed), len(results), strings.Join(failed, "\n  "))
	}
	return nil
}

// waves groups the (sorted) notebooks by the first character of their names and returns the
// groups in order: a group runs after the previous one has finished, so that a notebook may use
// what an earlier group wrote (the 3x real-data notebooks use the U-Net that 20_train_unet
// trains). Within a group notebooks run -jobs at a time.
func waves(nbs []string) [][]int {
	var out [][]int
	prev := ""
	for i, nb := range nbs {
		key := filepath.Base(nb)[:1]
		if len(out) == 0 || key != prev {
			out = append(out, nil)
			prev = key
		}
		out[len(out)-1] = append(out[len(out)-1], i)
	}
	return out
}

// publishOne executes one notebook into out/<name>.ipynb and converts it to out/<name>.html.
func publishOne(src, out, scale string, cellTimeout, nbTimeout time.Duration, jupyter string) (r result) {
	name := strings.TrimSuffix(filepath.Base(src), ".ipynb")
	r.Name = name
	t0 := time.Now()
	defer func() { r.Duration = time.Since(t0) }()

	executed := filepath.Join(out, name+".ipynb")
	_ = os.Remove(executed) // a stale page from an earlier run must not pass for this one
	o := execute(job{Src: src, Dst: executed, Kernel: *kernelName, Scale: scale, CellTimeout: cellTimeout, Timeout: nbTimeout, Python: *pythonExe})
	r.Err = o.Err
	if o.Leftover > 0 {
		fmt.Fprintf(os.Stderr, "publish: %s: killed %d leftover kernel processes\n", name, o.Leftover)
	}
	if _, err := os.Stat(executed); err != nil {
		// Nothing executed: publish the unexecuted notebook so the index can still link it.
		if b, rerr := os.ReadFile(src); rerr == nil {
			_ = os.WriteFile(executed, b, 0o644)
		}
	}
	title, cellErr, err := inspect(executed)
	r.Title = title
	if err != nil && r.Err == "" {
		r.Err = err.Error()
	}
	if cellErr != "" && r.Err == "" {
		r.Err = cellErr
	}
	if err := exportHTML(jupyter, executed, out, name); err != nil && r.Err == "" {
		r.Err = err.Error()
	}
	return r
}

// notebook is the part of the .ipynb format publish reads.
type notebook struct {
	Cells []struct {
		CellType string          `json:"cell_type"`
		Source   json.RawMessage `json:"source"`
		Outputs  []struct {
			OutputType string          `json:"output_type"`
			Name       string          `json:"name"`
			Text       json.RawMessage `json:"text"`
			Ename      string          `json:"ename"`
			Evalue     string          `json:"evalue"`
			Data       map[string]any  `json:"data"`
		} `json:"outputs"`
	} `json:"cells"`
}

// multiline decodes a notebook string field, stored as a string or a list of strings.
func multiline(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var l []string
	_ = json.Unmarshal(raw, &l)
	return strings.Join(l, "")
}

var (
	tagRe   = regexp.MustCompile(`(?s)<style.*?</style>|<[^>]+>`)
	ansiRe  = regexp.MustCompile("\x1b\\[[0-9;]*m")
	blankRe = regexp.MustCompile(`\n\s*\n+`)
)

// plainTitle drops the $ delimiters of inline TeX from a heading: the index is plain HTML
// without MathJax ("The potential $V(q,t)$" → "The potential V(q,t)").
func plainTitle(s string) string { return strings.ReplaceAll(s, "$", "") }

// inspect returns the notebook's title and a description of its first failing cell ("" if none).
func inspect(path string) (title, cellErr string, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", "", fmt.Errorf("reading executed notebook: %w", err)
	}
	var nb notebook
	if err := json.Unmarshal(b, &nb); err != nil {
		return "", "", fmt.Errorf("parsing executed notebook %s: %w", path, err)
	}
	code := 0
	for _, c := range nb.Cells {
		src := multiline(c.Source)
		if c.CellType == "markdown" && title == "" {
			for _, l := range strings.Split(src, "\n") {
				if strings.HasPrefix(l, "#") {
					title = plainTitle(strings.TrimSpace(strings.TrimLeft(l, "#")))
					break
				}
			}
		}
		if c.CellType != "code" {
			continue
		}
		code++
		var stderr []string
		for _, o := range c.Outputs {
			switch {
			case o.OutputType == "stream" && o.Name == "stderr":
				stderr = append(stderr, multiline(o.Text))
			case o.OutputType == "display_data":
				if h, ok := o.Data["text/html"]; ok {
					raw, _ := json.Marshal(h)
					s := multiline(raw)
					if strings.Contains(s, "stderr") || strings.Contains(s, "gonb-err") {
						stderr = append(stderr, html.UnescapeString(tagRe.ReplaceAllString(s, "")))
					}
				}
			}
		}
		for _, o := range c.Outputs {
			if o.OutputType != "error" {
				continue
			}
			first := ""
			for _, l := range strings.Split(src, "\n") {
				if l = strings.TrimSpace(l); l != "" && l != "%%" {
					first = l
					break
				}
			}
			msg := fmt.Sprintf("code cell %d (%q): %s: %s", code, first, o.Ename, o.Evalue)
			if d := strings.TrimSpace(blankRe.ReplaceAllString(ansiRe.ReplaceAllString(strings.Join(stderr, "\n"), ""), "\n")); d != "" {
				msg += "\n    " + strings.ReplaceAll(headTail(d, 8, 4), "\n", "\n    ")
			}
			return title, msg, nil
		}
	}
	return title, "", nil
}

// headTail keeps the first h and last t lines of s: a panic's message and a compiler's first error
// come first, the failing cell line last.
func headTail(s string, h, t int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) <= h+t {
		return strings.Join(l, "\n")
	}
	return strings.Join(l[:h], "\n") + "\n...\n" + strings.Join(l[len(l)-t:], "\n")
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	l := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(l) > n {
		l = l[len(l)-n:]
	}
	return strings.Join(l, "\n")
}
