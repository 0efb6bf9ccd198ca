package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Helpers of the fault-injection tests of publish (fault_*_test.go). They execute small Python
// notebooks with Debian's ipykernel (a real kernel process started by jupyter_client in its own
// session, as GoNB is) so that they run in seconds; the GoNB versions are in
// fault_gonb_integration_test.go (-tags integration).

// needKernel skips the test when Debian's nbclient and ipykernel are missing.
func needKernel(t *testing.T) {
	t.Helper()
	if err := exec.Command(*pythonExe, "-c", "import nbclient, ipykernel").Run(); err != nil {
		t.Skipf("%s has no nbclient/ipykernel: %v", *pythonExe, err)
	}
}

// pyNotebook writes a Python notebook with one code cell per source and returns its path.
func pyNotebook(t *testing.T, dir, name string, sources ...string) string {
	t.Helper()
	var cells []map[string]any
	for _, s := range sources {
		cells = append(cells, map[string]any{"cell_type": "code", "execution_count": nil, "metadata": map[string]any{}, "outputs": []any{}, "source": s})
	}
	b, err := json.Marshal(map[string]any{"cells": cells, "metadata": map[string]any{}, "nbformat": 4, "nbformat_minor": 5})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name+".ipynb")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// cellTexts returns, per cell of the notebook at path, its outputs' text (stream text and error values).
func cellTexts(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("executed notebook: %v", err)
	}
	var nb notebook
	if err := json.Unmarshal(b, &nb); err != nil {
		t.Fatalf("executed notebook %s: %v", path, err)
	}
	var out []string
	for _, c := range nb.Cells {
		var s []string
		for _, o := range c.Outputs {
			s = append(s, o.OutputType+":"+multiline(o.Text)+o.Ename+" "+o.Evalue)
		}
		out = append(out, strings.Join(s, "|"))
	}
	return out
}

// checkNoProcesses fails unless the executor's process group is gone and no process carries the
// execution's marker (orphans of the kernel included).
func checkNoProcesses(t *testing.T, o outcome) {
	t.Helper()
	if o.PGID <= 0 {
		t.Fatalf("the executor did not start: %+v", o)
	}
	if err := syscall.Kill(-o.PGID, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("process group %d still exists (kill -0: %v)", o.PGID, err)
	}
	if p := markedPIDs(o.Marker); len(p) > 0 {
		t.Errorf("processes of the execution still alive: %v", p)
	}
}

// sleeperCell starts two `sleep` processes: one in the kernel's process group and one in a
// session of its own (an orphan that no group kill reaches), as gopls is for GoNB.
const sleeperCell = "import subprocess\n" +
	"subprocess.Popen(['sleep', '300'])\n" +
	"subprocess.Popen(['sleep', '300'], start_new_session=True)\n" +
	"print('started sleepers')"

// within fails the test if d exceeds limit.
func within(t *testing.T, what string, d, limit time.Duration) {
	t.Helper()
	if d > limit {
		t.Errorf("%s took %v, want <= %v", what, d, limit)
	}
}
