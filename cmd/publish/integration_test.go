//go:build integration

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRealKernel publishes testdata/ (one good notebook, one whose third code cell panics) with the
// real GoNB kernel: both are published, and the error names the failing notebook, cell and panic.
// It needs jupyter and JUPYTER_PATH pointing at the repository (make test-publish).
func TestRealKernel(t *testing.T) {
	out := t.TempDir()
	err := run("smoke", out, 2, 2*time.Minute, 5*time.Minute, "/usr/bin/jupyter", []string{"testdata"})
	if err == nil {
		t.Fatal("publishing a failing notebook must fail")
	}
	msg := err.Error()
	for _, want := range []string{"1 of 2 notebooks failed", "fails.ipynb: code cell 3", "var s []int", "index out of range [5]"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "ok.ipynb") {
		t.Errorf("the good notebook is reported as failing:\n%s", msg)
	}
	for _, f := range []string{"ok.ipynb", "ok.html", "fails.ipynb", "fails.html", "index.html"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("not published: %v", err)
		}
	}
	html, _ := os.ReadFile(filepath.Join(out, "fails.html"))
	if !strings.Contains(string(html), "after the failure") {
		t.Error("cells after the failing one must still run and be published")
	}
}
