package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Fault class: timeout. A notebook that sleeps past -timeout, after starting processes in and out
// of the kernel's process group, returns in bounded time (timeout + kill grace + margin), with
// every process gone, its private folder removed, and the published notebook keeping the output
// of the cell that ran and naming the cell that was stopped (issue 15 row 1).
func TestFaultTimeoutKillsProcessTree(t *testing.T) {
	t.Parallel()
	needKernel(t)
	dir := t.TempDir()
	src := pyNotebook(t, dir, "sleeps", "print('before')", sleeperCell, "import time\ntime.sleep(300)", "print('never')")
	dst := filepath.Join(dir, "out.ipynb")
	// The timeout must land in the sleeping cell, after the kernel has started: on a loaded
	// machine the start can take longer than the first limit, so the limit doubles (3 tries).
	var o outcome
	timeout := 12 * time.Second
	for try := 1; ; try++ {
		t0 := time.Now()
		o = execute(job{Src: src, Dst: dst, Kernel: "python3", Scale: "smoke", CellTimeout: 10 * time.Minute, Timeout: timeout, Python: *pythonExe})
		within(t, "a timed-out execution", time.Since(t0), timeout+killGrace+10*time.Second)
		checkNoProcesses(t, o)
		if !o.TimedOut {
			t.Fatalf("outcome %+v, want a timeout", o)
		}
		if strings.Contains(o.Err, "in code cell 3") || try == 3 {
			break
		}
		t.Logf("try %d: %s; the kernel was slow to start, doubling -timeout", try, o.Err)
		timeout *= 2
	}
	if want := fmt.Sprintf("notebook exceeded -timeout=%v in code cell 3 (\"import time\")", timeout); o.Err != want {
		t.Errorf("outcome %+v, want %q", o, want)
	}
	checkNoProcesses(t, o)
	if o.Leftover < 3 { // the kernel and its two sleepers
		t.Errorf("publish killed %d leftover processes, want >= 3 (kernel, two sleepers)", o.Leftover)
	}
	cells := cellTexts(t, dst)
	if len(cells) != 4 || !strings.Contains(cells[0], "before") || !strings.Contains(cells[1], "started sleepers") ||
		!strings.Contains(cells[2], "PublishTimeout") || cells[3] != "" {
		t.Errorf("published cells %q: want the outputs of cells 1-2, the timeout on cell 3, nothing on cell 4", cells)
	}
	if m, _ := filepath.Glob(filepath.Join(os.TempDir(), "publish-sleeps-*")); len(m) > 0 {
		t.Errorf("private folders left: %v", m)
	}
}

// A notebook that finishes normally but leaves an orphan (a process in its own session, as
// gopls is left by GoNB) does not keep publish waiting, and the orphan is killed.
func TestFaultOrphanAfterNormalEnd(t *testing.T) {
	t.Parallel()
	needKernel(t)
	dir := t.TempDir()
	src := pyNotebook(t, dir, "orphan", sleeperCell)
	dst := filepath.Join(dir, "out.ipynb")
	t0 := time.Now()
	o := execute(job{Src: src, Dst: dst, Kernel: "python3", Scale: "smoke", CellTimeout: time.Minute, Timeout: 2 * time.Minute, Python: *pythonExe})
	within(t, "an execution leaving orphans", time.Since(t0), 40*time.Second)
	if o.Err != "" || o.TimedOut {
		t.Errorf("outcome %+v, want success", o)
	}
	checkNoProcesses(t, o)
	if o.Leftover < 1 {
		t.Errorf("publish killed %d leftover processes, want the orphan sleeper", o.Leftover)
	}
}

// Fault class: publish itself stopped. A publish process (the test binary re-executed as main)
// that gets SIGTERM while a notebook sleeps exits promptly with status 130, having killed the
// kernel and the processes it started, orphans included.
func TestFaultPublishTerminated(t *testing.T) {
	t.Parallel()
	needKernel(t)
	dir := t.TempDir()
	nb := pyNotebook(t, dir, "terminated", sleeperCell, "print('sleeping', flush=True)\nimport time\ntime.sleep(300)")
	cmd := exec.Command(os.Args[0], "-test.run=^TestPublishMainHelper$")
	cmd.Env = append(os.Environ(), "PUBLISH_RUN_MAIN=1",
		"PUBLISH_ARGS=-kernel python3 -scale smoke -timeout 5m -out "+filepath.Join(dir, "site")+" "+nb)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the sleeping cell runs: its outputs are saved after the sleeper cell.
	marker := markerVar + "=" + strconv.Itoa(cmd.Process.Pid) + "-"
	deadline := time.Now().Add(40 * time.Second)
	for len(pidsWithPrefix(marker)) < 4 && time.Now().Before(deadline) { // executor, kernel, two sleepers
		time.Sleep(200 * time.Millisecond)
	}
	if n := len(pidsWithPrefix(marker)); n < 4 {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("only %d processes of the execution after 40 s", n)
	}
	t0 := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	within(t, "publish after SIGTERM", time.Since(t0), 10*time.Second)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 || !strings.Contains(stderr.String(), "stopped the running notebooks") {
		t.Errorf("publish after SIGTERM: %v\n%s", err, stderr.String())
	}
	time.Sleep(200 * time.Millisecond) // the kernel's own children may take a moment to die
	if p := pidsWithPrefix(marker); len(p) > 0 {
		t.Errorf("processes left after publish was terminated: %v", p)
	}
	if m, _ := filepath.Glob(filepath.Join(os.TempDir(), "publish-terminated-*")); len(m) > 0 {
		t.Errorf("private folders left: %v", m)
	}
}

// pidsWithPrefix returns the processes whose environment has an entry starting with prefix.
func pidsWithPrefix(prefix string) []int {
	ents, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		env, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err == nil && strings.Contains("\x00"+string(env), "\x00"+prefix) {
			pids = append(pids, pid)
		}
	}
	return pids
}
