//go:build live

// Package live opens notebooks the way a user does: a live Jupyter server (Debian's Notebook 6.4)
// with the project's GoNB kernel on 127.0.0.1, driven in headless Chromium through the DevTools
// protocol (chromedp). For each notebook it runs all cells, checks that every chart drew on its
// canvas and that no cell failed, and, in every live cell (package pkg/live), moves a slider in a
// burst faster than the computation and checks that the chart's data changed to the latest value,
// then clicks Done. A deliberately broken notebook (testdata/broken.ipynb) must fail, naming its
// cell. Everything (Chromium, the server, its kernels and their cell programs) is stopped on
// success and on failure, within a bounded time. Run from the repository root (the Makefile's
// test-live stage):
//
//	go test -count=1 -tags live ./tests/live
//
// The build tag keeps it out of `go test ./...`: it needs Jupyter, GoNB (build/bin) and Chromium.
package live

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var (
	notebooks = flag.String("notebooks", "12_potential,00_forward_process",
		"comma-separated notebooks (in notebooks/) to run: at least one theory notebook with live cells and one real-data notebook")
	perNotebook = flag.Duration("per-notebook", 240*time.Second, "limit for one notebook: open, run all, the live checks")
	chromeBin   = flag.String("chromium", "", "Chromium executable (default: $CHROMIUM, chromium, chromium-browser)")
)

// repoRoot is the repository root: $DIFFREGIMES_ROOT, else two levels above this package.
func repoRoot(t *testing.T) string {
	if r := os.Getenv("DIFFREGIMES_ROOT"); r != "" {
		return r
	}
	r, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestLiveNotebooks(t *testing.T) {
	start := time.Now()
	root := repoRoot(t)
	dir := t.TempDir()
	names := strings.Split(*notebooks, ",")
	for _, n := range names {
		copyFile(t, filepath.Join(root, "notebooks", n+".ipynb"), filepath.Join(dir, n+".ipynb"))
	}
	copyFile(t, filepath.Join(root, "tests", "live", "testdata", "broken.ipynb"), filepath.Join(dir, "broken.ipynb"))

	srv := startJupyter(t, root, dir)
	browser := startChromium(t)

	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			rep, err := runNotebook(browser, srv, name)
			for _, l := range rep.log {
				t.Log(l)
			}
			if err != nil {
				t.Fatal(err)
			}
			if rep.charts == 0 {
				t.Errorf("%s: no chart found on the page", name)
			}
			t.Logf("%s: %d charts drawn, %d live cells, run in %.1f s", name, rep.charts, rep.liveCells, rep.wall.Seconds())
		})
	}
	// Negative control: the broken notebook must fail, naming the failing cell (cell 2, a panic).
	t.Run("broken", func(t *testing.T) {
		_, err := runNotebook(browser, srv, "broken")
		if err == nil {
			t.Fatal("the broken notebook passed: the test cannot see failing cells")
		}
		if !strings.Contains(err.Error(), "cell 2") || !strings.Contains(err.Error(), "deliberately broken") {
			t.Fatalf("the broken notebook failed without naming cell 2 and its panic: %v", err)
		}
		t.Logf("broken notebook fails as it should: %v", err)
	})
	t.Logf("live test: %.1f s in all", time.Since(start).Seconds())
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// server is a running Jupyter Notebook server.
type server struct {
	base, token string
}

func (s server) url(path string) string { return s.base + path + "?token=" + s.token }

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startJupyter starts `jupyter notebook` on 127.0.0.1 and a free port with a random token, serving
// dir, with the project's kernel (JUPYTER_PATH=root) at the smoke scale. Cleanup stops it: SIGTERM
// (Jupyter shuts its kernels down), then SIGKILL of its whole process group after 10 s.
func startJupyter(t *testing.T, root, dir string) server {
	t.Helper()
	jupyter, err := exec.LookPath("jupyter")
	if err != nil {
		t.Fatal("jupyter not found (kernels/setup.sh installs Debian's jupyter-notebook)")
	}
	if _, err := os.Stat(filepath.Join(root, "build", "bin", "gonb")); err != nil {
		t.Fatalf("GoNB not installed in build/bin (run kernels/setup.sh): %v", err)
	}
	port := freePort(t)
	token := fmt.Sprintf("%x", time.Now().UnixNano()^int64(os.Getpid())<<20)
	args := []string{"notebook", "--no-browser", "--ip=127.0.0.1", fmt.Sprint("--port=", port), "--port-retries=0",
		"--NotebookApp.token=" + token, "--notebook-dir=" + dir}
	if os.Geteuid() == 0 {
		args = append(args, "--allow-root")
	}
	cmd := exec.Command(jupyter, args...)
	cmd.Env = append(os.Environ(),
		"JUPYTER_PATH="+root, "DIFFREGIMES_ROOT="+root, "DIFFREGIMES_SCALE=smoke",
		"DIFFREGIMES_LIVE=on", "DIFFREGIMES_LIVE_IDLE=90s", // a live cell the test loses ends by itself
		"PATH="+filepath.Join(root, "build", "bin")+":/usr/local/go/bin:/usr/bin:"+os.Getenv("PATH"),
		"GOEXPERIMENT=simd", "GODEBUG=cpu.fma=off", "GOMLX_NO_AUTO_INSTALL=1", "PYDEVD_DISABLE_FILE_VALIDATION=1", "PYTHONWARNINGS=ignore",
		"JUPYTER_CONFIG_DIR="+filepath.Join(dir, ".jupyter-config"), "JUPYTER_RUNTIME_DIR="+filepath.Join(dir, ".jupyter-runtime"))
	logPath := filepath.Join(root, "out", "live-test-jupyter.log")
	_ = os.MkdirAll(filepath.Dir(logPath), 0o755)
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	// Its own process group (Cleanup kills kernels and cell programs with it), and SIGTERM if the test
	// process dies without running Cleanup (a -timeout panic, a signal).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			t.Log("jupyter did not stop within 10 s of SIGTERM: killing its process group")
		}
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // kernels and cell programs too
		<-exited
		logf.Close()
	})
	s := server{base: fmt.Sprintf("http://127.0.0.1:%d", port), token: token}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(s.url("/api/status"))
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		select {
		case <-exited:
			t.Fatalf("jupyter exited at start; see %s", logPath)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("jupyter did not answer on %s within 60 s; see %s", s.base, logPath)
		}
		time.Sleep(250 * time.Millisecond)
	}
	if resp, err := http.Get(s.url("/api/kernelspecs")); err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), `"gonb"`) {
			t.Fatalf("the server does not list the project's kernel gonb (JUPYTER_PATH=%s): %s", root, b)
		}
	}
	return s
}

func chromium(t *testing.T) string {
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

// startChromium starts headless Chromium (STACK.md's flags, an empty profile) and returns its context;
// Cleanup closes it.
func startChromium(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1600),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	if err := chromedp.Do(ctx); err != nil { // starts the browser, without a timeout
		cancel()
		cancelA()
		t.Fatalf("starting Chromium: %v", err)
	}
	t.Cleanup(func() {
		done := make(chan struct{})
		go func() { cancel(); cancelA(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			t.Log("Chromium did not close within 15 s")
		}
	})
	return ctx
}

// report is what runNotebook found.
type report struct {
	charts, liveCells int
	wall              time.Duration
	log               []string
}

// eval runs a JavaScript expression returning a string in the tab, within 20 s.
func eval(tab context.Context, js string) (string, error) {
	ctx, cancel := context.WithTimeout(tab, 20*time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.Evaluate[string](js))
}

// pageState is the notebook's execution state, from stateJS.
type pageState struct {
	Ready   bool `json:"ready"`   // notebook loaded, kernel connected
	Running bool `json:"running"` // a cell is executing or queued
	Done    bool `json:"done"`    // no cell executing or queued
	Live    int  `json:"live"`    // index of a cell with a running live panel, -1 if none
}

const stateJS = `(() => {
  const J = window.Jupyter, nb = J && J.notebook;
  if (!nb || !nb.kernel || !nb._fully_loaded) return JSON.stringify({ready: false, live: -1});
  const cells = nb.get_cells();
  let running = false, done = true, live = -1;
  cells.forEach((c, i) => {
    if (c.cell_type !== 'code') return;
    const el = c.element[0];
    if (el.classList.contains('running') || c.input_prompt_number === '*') running = true;
    if (typeof c.input_prompt_number !== 'number') done = false;
    if (live < 0 && el.querySelector('.live-panel[data-live="running"] input[type=range]')) live = i;
  });
  const ks = nb.kernel;
  const up = ks.is_connected() && ks.info_reply && Object.keys(ks.info_reply).length > 0;
  // After Run All every code cell is queued at once ('*'), so "nothing running" means finished (a
  // failing cell makes the kernel abort the queued ones, which then show no prompt number).
  return JSON.stringify({ready: up, running, done: !running, live});
})()`

// runNotebook opens the notebook in a new tab, runs all cells, exercises its live cells, and checks
// its outputs. The error names every failing cell.
func runNotebook(browser context.Context, srv server, name string) (rep report, err error) {
	t0 := time.Now()
	defer func() { rep.wall = time.Since(t0) }()
	ctx, cancel := context.WithTimeout(browser, *perNotebook)
	defer cancel()
	tab, closeTab := chromedp.NewContext(ctx)
	defer closeTab()
	if err := chromedp.Do(tab, chromedp.Navigate(srv.url("/notebooks/"+name+".ipynb"))); err != nil {
		return rep, fmt.Errorf("%s: opening the notebook: %w", name, err)
	}
	defer shutdownKernels(srv)
	var st pageState
	poll := func() error {
		s, err := eval(tab, stateJS)
		if err != nil {
			return err
		}
		return json.Unmarshal([]byte(s), &st)
	}
	// The page and the kernel: wait until the kernel is connected.
	for {
		if err := poll(); err == nil && st.Ready {
			break
		}
		if ctx.Err() != nil {
			return rep, fmt.Errorf("%s: the notebook page or its kernel did not come up within %v", name, *perNotebook)
		}
		time.Sleep(300 * time.Millisecond)
	}
	if _, err := eval(tab, `(() => { Jupyter.notebook.execute_all_cells(); return 'ok'; })()`); err != nil {
		return rep, fmt.Errorf("%s: run all: %w", name, err)
	}
	seen := map[int]bool{}
	var liveErrs []string
	for {
		time.Sleep(400 * time.Millisecond)
		if err := poll(); err != nil {
			if ctx.Err() != nil {
				return rep, fmt.Errorf("%s: not finished within %v: %s", name, *perNotebook, describeRunning(tab))
			}
			continue
		}
		if st.Live >= 0 && !seen[st.Live] {
			seen[st.Live] = true
			rep.liveCells++
			msg, err := exerciseLive(ctx, tab, st.Live)
			rep.log = append(rep.log, fmt.Sprintf("%s cell %d (live): %s", name, st.Live, msg))
			if err != nil {
				liveErrs = append(liveErrs, fmt.Sprintf("cell %d (live): %v", st.Live, err))
				_, _ = eval(tab, fmt.Sprintf(`(() => { const b = Jupyter.notebook.get_cell(%d).element[0].querySelector('.live-panel button'); if (b) b.click(); return 'ok'; })()`, st.Live))
			}
			continue
		}
		if st.Done {
			break
		}
		if ctx.Err() != nil {
			return rep, fmt.Errorf("%s: not finished within %v: %s", name, *perNotebook, describeRunning(tab))
		}
	}
	// Let echarts finish drawing, then check every output.
	time.Sleep(500 * time.Millisecond)
	s, err := eval(tab, checkJS)
	if err != nil {
		return rep, fmt.Errorf("%s: reading the outputs: %w", name, err)
	}
	var res struct {
		Charts int      `json:"charts"`
		Errors []string `json:"errors"`
		Saved  []int    `json:"saved"` // cells whose live panel left its last chart, drawn
	}
	if err := json.Unmarshal([]byte(s), &res); err != nil {
		return rep, err
	}
	rep.charts = res.Charts
	for i := range seen {
		if !slices.Contains(res.Saved, i) {
			liveErrs = append(liveErrs, fmt.Sprintf("cell %d (live): no saved chart after Done", i))
		}
	}
	if errs := append(res.Errors, liveErrs...); len(errs) > 0 {
		return rep, fmt.Errorf("%s: %s", name, strings.Join(errs, "; "))
	}
	return rep, nil
}

// describeRunning names the cells still running or queued.
func describeRunning(tab context.Context) string {
	s, err := eval(tab, `(() => { const r = []; Jupyter.notebook.get_cells().forEach((c, i) => { if (c.cell_type === 'code' && typeof c.input_prompt_number !== 'number') r.push('cell ' + i + ' [' + c.input_prompt_number + ']'); }); return r.join(', ') || 'none'; })()`)
	if err != nil {
		return "(page unreadable: " + err.Error() + ")"
	}
	return "cells not finished: " + s
}

// checkJS lists, per cell, error outputs, GoNB/nbplot error text, and charts whose canvas is blank or
// missing; it counts the charts drawn.
const checkJS = `(() => {
  const errors = []; let charts = 0; const saved = [];
  Jupyter.notebook.get_cells().forEach((c, i) => {
    if (c.cell_type !== 'code') return;
    const el = c.element[0];
    if (typeof c.input_prompt_number !== 'number') errors.push('cell ' + i + ': did not run (aborted after an error, or the kernel died)');
    c.output_area.outputs.forEach(o => {
      if (o.output_type === 'error') errors.push('cell ' + i + ': ' + o.ename + ': ' + (o.evalue || '').slice(0, 300));
      if (o.output_type === 'stream' && o.name === 'stderr' && /panic|error/i.test(o.text)) errors.push('cell ' + i + ': stderr: ' + o.text.slice(0, 300));
    });
    if (el.querySelector('.live-panel[data-live="done"] .item canvas')) saved.push(i);
    if (el.querySelector('.live-panel[data-live="static"]')) errors.push('cell ' + i + ': live cell fell back to its static chart although a front-end runs it');
    el.querySelectorAll('.live-error, .output_area pre[style*="#b00"]').forEach(e => errors.push('cell ' + i + ': ' + e.textContent.slice(0, 300)));
    el.querySelectorAll('.nbplot-chart .item, .live-chart .item').forEach(item => {
      const cv = item.querySelector('canvas');
      if (!cv || cv.width === 0 || cv.height === 0) { errors.push('cell ' + i + ': chart ' + item.id + ' has no canvas (echarts did not draw)'); return; }
      const px = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
      let ink = 0;
      for (let k = 0; k < px.length; k += 16) if (px[k + 3] > 0 && (px[k] < 200 || px[k + 1] < 200 || px[k + 2] < 200)) ink++;
      if (ink < 20) errors.push('cell ' + i + ': chart ' + item.id + ' is blank'); else charts++;
    });
  });
  return JSON.stringify({charts, errors, saved});
})()`

// liveJS reads the live panel of a cell: its chart's revision and a hash of its echarts data, the
// status line, the sliders' count, and whether an error shows.
const liveJS = `(() => {
  const el = Jupyter.notebook.get_cell(%d).element[0];
  const panel = el.querySelector('.live-panel[data-live="running"]');
  const chart = el.querySelector('.live-chart');
  if (!panel || !chart) return JSON.stringify({open: !!panel});
  const item = chart.querySelector('[_echarts_instance_]');
  const inst = item && window.echarts && echarts.getInstanceByDom(item);
  let hash = 0, n = 0;
  if (inst) { const s = JSON.stringify(inst.getOption().series.map(x => x.data)); n = s.length; for (let k = 0; k < s.length; k++) hash = (hash * 31 + s.charCodeAt(k)) | 0; }
  const st = el.querySelector('.live-status');
  const lab = panel.querySelector('.live-control .live-value');
  return JSON.stringify({open: true, drawn: !!inst, rev: chart.dataset.liveRev, hash, n, label: lab ? lab.textContent : '',
    status: st ? st.textContent : '', error: !!el.querySelector('.live-error'),
    sliders: panel.querySelectorAll('input[type=range]').length});
})()`

type liveState struct {
	Open    bool   `json:"open"`
	Drawn   bool   `json:"drawn"`
	Rev     string `json:"rev"`
	Label   string `json:"label"` // value shown beside the first control
	Hash    int64  `json:"hash"`
	N       int    `json:"n"`
	Status  string `json:"status"`
	Error   bool   `json:"error"`
	Sliders int    `json:"sliders"`
}

// moveJS moves slider k of the cell's live panel through several positions in one burst (faster
// than any recomputation) and returns "name = " and the label of the last position.
const moveJS = `(() => {
  const el = Jupyter.notebook.get_cell(%d).element[0];
  const rows = el.querySelectorAll('.live-panel[data-live="running"] .live-control');
  const row = rows[%d], s = row.querySelector('input[type=range]');
  const lo = +s.min, hi = +s.max, from = +s.value;
  const target = from === hi ? lo : hi;
  const path = [from + (target - from) / 3, from + 2 * (target - from) / 3, target].map(Math.round);
  for (const p of path) { s.value = p; s.dispatchEvent(new Event('input')); }
  s.dispatchEvent(new Event('change'));
  return JSON.stringify({prefix: row.querySelector('span').textContent + ' = ', want: JSON.parse(row.dataset.labels)[target]});
})()`

// exerciseLive waits for the live panel of cell i to draw, moves its first slider in a burst, checks
// that the chart's data changed and that the status shows the slider's last value with no error,
// and clicks Done. It returns a line for the log with the recomputation time.
func exerciseLive(ctx context.Context, tab context.Context, i int) (string, error) {
	read := func() (liveState, error) {
		var ls liveState
		s, err := eval(tab, fmt.Sprintf(liveJS, i))
		if err == nil {
			err = json.Unmarshal([]byte(s), &ls)
		}
		return ls, err
	}
	wait := func(what string, limit time.Duration, ok func(liveState) bool) (liveState, error) {
		deadline := time.Now().Add(limit)
		for {
			ls, err := read()
			if err == nil && ok(ls) {
				return ls, nil
			}
			if time.Now().After(deadline) || ctx.Err() != nil {
				return ls, fmt.Errorf("%s not seen within %v (last state %+v, err %v)", what, limit, ls, err)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	before, err := wait("the default chart drawn", 30*time.Second, func(l liveState) bool { return l.Open && l.Drawn && l.Sliders > 0 })
	if err != nil {
		return "", err
	}
	if before.Error {
		return "", fmt.Errorf("the default chart shows an error: %s", before.Status)
	}
	mv, err := eval(tab, fmt.Sprintf(moveJS, i, 0))
	var move struct{ Prefix, Want string }
	if err == nil {
		err = json.Unmarshal([]byte(mv), &move)
	}
	if err != nil {
		return "", fmt.Errorf("moving the slider: %w", err)
	}
	// The chart must end at the burst's last position (intermediate ones may be skipped), with the
	// label beside the slider and the status line saying so.
	prefix, label := move.Prefix, move.Want
	moved := time.Now()
	after, err := wait("the chart redrawn at the slider's last value "+prefix+label, 60*time.Second, func(l liveState) bool {
		return l.Error || l.Drawn && l.Label == label && l.Rev != before.Rev && l.Hash != before.Hash &&
			statusHas(l.Status, prefix+label)
	})
	if err != nil {
		return "", fmt.Errorf("after moving the slider: %w", err)
	}
	if after.Error {
		return "", fmt.Errorf("after moving %s%s the cell shows an error: %s", prefix, label, after.Status)
	}
	seenIn := time.Since(moved)
	if _, err := eval(tab, fmt.Sprintf(`(() => { Jupyter.notebook.get_cell(%d).element[0].querySelector('.live-panel[data-live="running"] button').click(); return 'ok'; })()`, i)); err != nil {
		return "", fmt.Errorf("clicking Done: %w", err)
	}
	if _, err := wait("the panel closed after Done", 30*time.Second, func(l liveState) bool { return !l.Open }); err != nil {
		return "", err
	}
	return fmt.Sprintf("default rev %s -> rev %s after a burst to %s%s; chart data changed (hash %d -> %d, %d chars); status %q; seen %.2f s after the move",
		before.Rev, after.Rev, prefix, label, before.Hash, after.Hash, after.N, after.Status, seenIn.Seconds()), nil
}

// statusHas reports whether a live status line, "a = 1, d = 64 — recomputed in 3ms", lists item ("d = 64").
func statusHas(status, item string) bool {
	vals, _, _ := strings.Cut(status, " — ")
	for _, v := range strings.Split(vals, ", ") {
		if strings.TrimSpace(v) == item {
			return true
		}
	}
	return false
}

// shutdownKernels stops every kernel of the server (its REST API), so each notebook starts fresh.
func shutdownKernels(srv server) {
	resp, err := http.Get(srv.url("/api/kernels"))
	if err != nil {
		return
	}
	defer resp.Body.Close()
	var ks []struct {
		ID string `json:"id"`
	}
	if json.NewDecoder(resp.Body).Decode(&ks) != nil {
		return
	}
	for _, k := range ks {
		req, _ := http.NewRequest(http.MethodDelete, srv.url("/api/kernels/"+k.ID), nil)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if r, err := http.DefaultClient.Do(req.WithContext(ctx)); err == nil {
			r.Body.Close()
		}
		cancel()
	}
}
