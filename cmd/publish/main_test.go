package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A notebook as GoNB leaves it after a panicking cell: stderr stream, HTML error, error output.
const failed = `{"cells": [
 {"cell_type": "code", "source": "%noautoget", "outputs": []},
 {"cell_type": "markdown", "source": ["# 07 · Speciation\n", "text"]},
 {"cell_type": "code", "source": ["%%\n", "fmt.Println(1)"], "outputs": [{"output_type": "stream", "name": "stdout", "text": "1\n"}]},
 {"cell_type": "code", "source": ["%%\n", "var x []int\n", "_ = x[3]"], "outputs": [
   {"output_type": "stream", "name": "stderr", "text": ["panic: runtime error: index out of range [3] with length 0\n"]},
   {"output_type": "display_data", "data": {"text/html": ["<style>.gonb-err{}</style><div data-mime-type=\"application/vnd.jupyter.stderr\">x &lt; 3</div>"]}},
   {"output_type": "error", "ename": "ERROR", "evalue": "exit status 2", "traceback": ["exit status 2"]}]},
 {"cell_type": "code", "source": "%%\nfmt.Println(2)", "outputs": [{"output_type": "error", "ename": "ERROR", "evalue": "later"}]}
], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}`

func TestInspectNamesFirstFailingCell(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nb.ipynb")
	if err := os.WriteFile(p, []byte(failed), 0o644); err != nil {
		t.Fatal(err)
	}
	title, cellErr, err := inspect(p)
	if err != nil {
		t.Fatal(err)
	}
	if title != "07 · Speciation" {
		t.Errorf("title %q", title)
	}
	for _, want := range []string{`code cell 3 ("var x []int")`, "exit status 2", "panic: runtime error: index out of range", "x < 3"} {
		if !strings.Contains(cellErr, want) {
			t.Errorf("cell error lacks %q:\n%s", want, cellErr)
		}
	}
	if strings.Contains(cellErr, "later") || strings.Contains(cellErr, "<style") {
		t.Errorf("cell error must describe only the first failing cell, without markup:\n%s", cellErr)
	}

	ok := strings.Replace(failed, `"output_type": "error"`, `"output_type": "stream"`, -1)
	if err := os.WriteFile(p, []byte(ok), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, cellErr, err := inspect(p); err != nil || cellErr != "" {
		t.Errorf("notebook without errors: %q, %v", cellErr, err)
	}
	if _, _, err := inspect(filepath.Join(t.TempDir(), "missing.ipynb")); err == nil {
		t.Error("a missing executed notebook must be an error")
	}
}

func TestRunBadArguments(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		scale string
		jobs  int
		args  []string
		want  string
	}{
		{"huge", 1, []string{dir}, `-scale="huge"`},
		{"smoke", 0, []string{dir}, "-jobs=0"},
		{"smoke", 1, []string{dir}, "no notebooks"},
		{"smoke", 1, []string{filepath.Join(dir, "nope")}, "no such file"},
	} {
		err := run(tc.scale, filepath.Join(dir, "out"), tc.jobs, time.Minute, time.Minute, "/bin/false", tc.args)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("run(%q, jobs=%d): %v, want %q", tc.scale, tc.jobs, err, tc.want)
		}
	}
}

// TestFailingNotebookStillPublished runs publish with a fake jupyter that fails to execute: the notebook
// is still copied to the site, listed in the index as FAILED, and the error names it.
func TestFailingNotebookStillPublished(t *testing.T) {
	dir := t.TempDir()
	nbs := filepath.Join(dir, "nbs")
	if err := os.MkdirAll(nbs, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a.ipynb", "b.ipynb"} {
		if err := os.WriteFile(filepath.Join(nbs, n), []byte(failed), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fake := filepath.Join(dir, "jupyter")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\necho kernel died >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	defer func(p string) { *pythonExe = p }(*pythonExe)
	*pythonExe = fake // the executor fails in the same way
	out := filepath.Join(dir, "site")
	err := run("smoke", out, 2, time.Minute, time.Minute, fake, []string{nbs})
	if err == nil || !strings.Contains(err.Error(), "2 of 2 notebooks failed") || !strings.Contains(err.Error(), "a.ipynb: execution failed") ||
		!strings.Contains(err.Error(), "kernel died") {
		t.Fatalf("error %v", err)
	}
	idx, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(idx), "FAILED") != 2 || !strings.Contains(string(idx), `href="b.ipynb"`) {
		t.Errorf("index does not list both failures:\n%s", idx)
	}
	if _, err := os.Stat(filepath.Join(out, "a.ipynb")); err != nil {
		t.Errorf("failed notebook not published: %v", err)
	}
}

func TestPlainTitle(t *testing.T) {
	if got := plainTitle("12 · The potential $V(q,t)$: how"); got != "12 · The potential V(q,t): how" {
		t.Errorf("plainTitle: %q", got)
	}
}

func TestWaves(t *testing.T) {
	got := waves([]string{"n/00_a.ipynb", "n/01_b.ipynb", "n/10_c.ipynb", "n/20_d.ipynb", "n/30_e.ipynb", "n/31_f.ipynb"})
	want := [][]int{{0, 1}, {2}, {3}, {4, 5}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("waves = %v, want %v", got, want)
	}
}
