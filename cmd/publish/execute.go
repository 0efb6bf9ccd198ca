package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Process management of one notebook execution.
//
// The executor (execute.py, nbclient) runs in its own process group. jupyter_client starts the
// kernel in a new session, and GoNB starts gopls and the cell binaries below it, so a group kill
// alone misses them (they were the orphans that made publish hang: they held its output pipe).
// Every process of an execution therefore carries a marker in its environment
// (DIFFREGIMES_PUBLISH_RUN, inherited by every descendant), and after the executor has exited,
// for whatever reason, publish kills its process group and then every process whose
// /proc/<pid>/environ holds the marker, orphans included. The execution's TMPDIR (where GoNB
// makes its gonb_* folders) and JUPYTER_RUNTIME_DIR (connection files) are a private folder,
// removed at the end. The executor's output goes to a file, not a pipe, so nothing a leftover
// process holds can block publish; exec.Cmd.WaitDelay bounds the grace between the SIGTERM at
// -timeout and the SIGKILL.

//go:embed execute.py
var executorScript string

var (
	pythonExe  = flag.String("python", "/usr/bin/python3", "Python with nbclient (Debian's) that executes the notebooks")
	kernelName = flag.String("kernel", "gonb", "Jupyter kernel spec the notebooks run with")
)

// markerVar names the environment variable that marks every process of one execution.
const markerVar = "DIFFREGIMES_PUBLISH_RUN"

// killGrace is how long the executor has, after the SIGTERM at -timeout, to save the notebook
// and exit before it is killed.
const killGrace = 5 * time.Second

// job is one notebook execution.
type job struct {
	Src, Dst    string        // source notebook; executed notebook written there (atomically, after each cell)
	Kernel      string        // kernel spec name ("gonb")
	Scale       string        // value of $DIFFREGIMES_SCALE
	CellTimeout time.Duration // nbclient's limit for one cell
	Timeout     time.Duration // limit for the whole notebook
	Python      string        // interpreter with nbclient
}

// outcome is what one execution did.
type outcome struct {
	Err      string // "" when every cell ran (cell errors are read from the notebook); one line
	TimedOut bool   // stopped at Timeout
	PGID     int    // the executor's process group (its PID), 0 if it did not start
	Marker   string // the environment marker of its processes
	Leftover int    // processes still alive after the executor exited, killed by publish
}

// statusRecord is what execute.py writes when it stops.
type statusRecord struct {
	Status   string `json:"status"`
	Reason   string `json:"reason"`
	CodeCell int    `json:"code_cell"`
	First    string `json:"first"`
}

var runCounter atomic.Int64

// execute runs j and returns when the executor and every process it started are gone.
func execute(j job) (o outcome) {
	o.Marker = fmt.Sprintf("%d-%d-%d", os.Getpid(), runCounter.Add(1), time.Now().UnixNano())
	name := strings.TrimSuffix(filepath.Base(j.Src), ".ipynb")
	priv, err := os.MkdirTemp("", "publish-"+name+"-")
	if err != nil {
		o.Err = fmt.Sprintf("execution failed: %v", err)
		return o
	}
	defer os.RemoveAll(priv)
	tmp, runtime := filepath.Join(priv, "tmp"), filepath.Join(priv, "runtime")
	for _, d := range []string{tmp, runtime} {
		if err := os.Mkdir(d, 0o700); err != nil {
			o.Err = fmt.Sprintf("execution failed: %v", err)
			return o
		}
	}
	statusPath, logPath := filepath.Join(priv, "status.json"), filepath.Join(priv, "executor.log")
	logf, err := os.Create(logPath)
	if err != nil {
		o.Err = fmt.Sprintf("execution failed: %v", err)
		return o
	}
	defer logf.Close()

	ctx, cancel := context.WithTimeout(context.Background(), j.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, j.Python, "-c", executorScript, j.Src, j.Dst, j.Kernel,
		strconv.Itoa(max(1, int(j.CellTimeout.Seconds()))), statusPath)
	cmd.Dir = filepath.Dir(j.Src)
	// DIFFREGIMES_LIVE=off: pkg/live cells show their static default chart without probing for a front-end.
	cmd.Env = append(os.Environ(), "DIFFREGIMES_SCALE="+j.Scale, "DIFFREGIMES_LIVE=off", markerVar+"="+o.Marker,
		"TMPDIR="+tmp, "JUPYTER_RUNTIME_DIR="+runtime)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	cmd.WaitDelay = killGrace

	active.add(o.Marker, priv)
	defer active.remove(o.Marker)
	runErr := cmd.Start()
	if runErr == nil {
		o.PGID = cmd.Process.Pid
		runErr = cmd.Wait()
		_ = syscall.Kill(-o.PGID, syscall.SIGKILL)
	}
	o.Leftover = killMarked(o.Marker)
	o.TimedOut = errors.Is(ctx.Err(), context.DeadlineExceeded)

	var st statusRecord
	haveStatus := false
	if b, err := os.ReadFile(statusPath); err == nil && json.Unmarshal(b, &st) == nil {
		haveStatus = true
	}
	where := ""
	if haveStatus && st.CodeCell > 0 {
		where = fmt.Sprintf(" in code cell %d (%q)", st.CodeCell, st.First)
	}
	switch {
	case o.TimedOut:
		o.Err = fmt.Sprintf("notebook exceeded -timeout=%v%s", j.Timeout, where)
	case runErr == nil:
	case haveStatus && st.Status == "dead":
		o.Err = "the kernel died" + where
	case haveStatus && st.Status == "cell-timeout":
		o.Err = fmt.Sprintf("cell exceeded -cell-timeout=%v%s", j.CellTimeout, where)
	case haveStatus && st.Reason != "":
		o.Err = fmt.Sprintf("execution failed%s: %s", where, oneLine(st.Reason))
	default:
		b, _ := os.ReadFile(logPath)
		o.Err = fmt.Sprintf("execution failed (%v): %s", runErr, lastLine(string(b)))
	}
	return o
}

// oneLine keeps the first line of s.
func oneLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// lastLine returns the last non-blank line of s (a Python traceback's exception line), without
// ANSI colours.
func lastLine(s string) string {
	l := strings.Split(strings.TrimSpace(ansiRe.ReplaceAllString(s, "")), "\n")
	return strings.TrimSpace(l[len(l)-1])
}

// markedPIDs returns the processes (other than publish) whose environment holds marker.
func markedPIDs(marker string) []int {
	needle := []byte(markerVar + "=" + marker + "\x00")
	ents, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil {
			continue // gone, or not ours
		}
		if bytes.HasPrefix(env, needle) || bytes.Contains(env, append([]byte{0}, needle...)) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// killMarked SIGKILLs every process carrying marker, in bounded rounds (a process may fork while
// its siblings die), and returns how many it killed. A killed process whose parent does not reap
// it stays a zombie, whose environment reads as empty: it holds no resource and is not counted.
func killMarked(marker string) int {
	seen := map[int]bool{}
	for range 50 {
		pids := markedPIDs(marker)
		if len(pids) == 0 {
			break
		}
		for _, p := range pids {
			seen[p] = true
			_ = syscall.Kill(p, syscall.SIGKILL)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return len(seen)
}

// active holds the executions in progress, so that a SIGINT or SIGTERM to publish kills their
// processes and removes their folders before publish exits.
var active = &registry{runs: map[string]string{}}

type registry struct {
	mu   sync.Mutex
	once sync.Once
	runs map[string]string // marker → private folder
}

func (r *registry) add(marker, dir string) {
	r.once.Do(func() {
		c := make(chan os.Signal, 1)
		signal.Notify(c, syscall.SIGINT, syscall.SIGTERM)
		go func() {
			s := <-c
			r.mu.Lock()
			for m, d := range r.runs {
				killMarked(m)
				os.RemoveAll(d)
			}
			fmt.Fprintf(os.Stderr, "publish: %v: stopped the running notebooks\n", s)
			os.Exit(130)
		}()
	})
	r.mu.Lock()
	defer r.mu.Unlock()
	r.runs[marker] = dir
}

func (r *registry) remove(marker string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.runs, marker)
}
