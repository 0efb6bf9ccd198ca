package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Fault class: dead kernel. The kernel SIGKILLs itself in its third cell: the published notebook
// keeps the outputs of the two cells that ran, marks the third, leaves the fourth unexecuted, the
// reason is one clean line naming the cell, and the kernel's orphans are killed (issue 15 row 11).
func TestFaultDeadKernelKeepsOutputs(t *testing.T) {
	t.Parallel()
	needKernel(t)
	dir := t.TempDir()
	src := pyNotebook(t, dir, "dies", "print('cell one ran')", sleeperCell,
		"import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", "print('never')")
	dst := filepath.Join(dir, "out.ipynb")
	t0 := time.Now()
	o := execute(job{Src: src, Dst: dst, Kernel: "python3", Scale: "smoke", CellTimeout: time.Minute, Timeout: 2 * time.Minute, Python: *pythonExe})
	within(t, "an execution whose kernel dies", time.Since(t0), 60*time.Second)
	if o.Err != `the kernel died in code cell 3 ("import os, signal")` || o.TimedOut {
		t.Errorf("outcome %+v, want a one-line kernel death in code cell 3", o)
	}
	checkNoProcesses(t, o)
	cells := cellTexts(t, dst)
	if len(cells) != 4 || !strings.Contains(cells[0], "cell one ran") || !strings.Contains(cells[1], "started sleepers") ||
		!strings.Contains(cells[2], "DeadKernelError") || cells[3] != "" {
		t.Errorf("published cells %q: want outputs of cells 1-2, the death on cell 3, nothing on cell 4", cells)
	}
	if m, _ := filepath.Glob(filepath.Join(os.TempDir(), "publish-dies-*")); len(m) > 0 {
		t.Errorf("private folders left: %v", m)
	}
}

// A kernel that cannot start (no such kernel spec) is a one-line reason, not a traceback.
func TestFaultMissingKernelOneLine(t *testing.T) {
	t.Parallel()
	needKernel(t)
	dir := t.TempDir()
	src := pyNotebook(t, dir, "nokernel", "print(1)")
	o := execute(job{Src: src, Dst: filepath.Join(dir, "out.ipynb"), Kernel: "no-such-kernel-xyz", Scale: "smoke",
		CellTimeout: time.Minute, Timeout: time.Minute, Python: *pythonExe})
	if !strings.HasPrefix(o.Err, "execution failed: NoSuchKernel") || strings.Contains(o.Err, "\n") || strings.Contains(o.Err, "Traceback") {
		t.Errorf("error %q, want one line naming NoSuchKernel", o.Err)
	}
	checkNoProcesses(t, o)
}
