package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPublishMainHelper runs main when the test binary is re-executed by TestScaleFromEnvironment.
func TestPublishMainHelper(t *testing.T) {
	if os.Getenv("PUBLISH_RUN_MAIN") != "1" {
		t.Skip("helper process of TestScaleFromEnvironment")
	}
	os.Args = append([]string{"publish"}, strings.Fields(os.Getenv("PUBLISH_ARGS"))...)
	main()
}

// TestScaleFromEnvironment runs publish as a real process with a fake executor that reports the
// $DIFFREGIMES_SCALE it was given: without -scale an exported DIFFREGIMES_SCALE=paper reaches the
// notebooks (issue 15 row 7), -scale overrides it, and a bogus value exits 2 naming the variable.
func TestScaleFromEnvironment(t *testing.T) {
	dir := t.TempDir()
	nb := filepath.Join(dir, "a.ipynb")
	if err := os.WriteFile(nb, []byte(failed), 0o644); err != nil {
		t.Fatal(err)
	}
	fake := filepath.Join(dir, "fake")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\necho \"scale=$DIFFREGIMES_SCALE\" >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		env, flags string
		code       int
		want       string
	}{
		{"paper", "", 1, "a.ipynb: execution failed (exit status 1): scale=paper"},
		{"paper", "-scale smoke", 1, "a.ipynb: execution failed (exit status 1): scale=smoke"},
		{"", "", 1, "scale=quick"},
		{"bogus", "", 2, `publish: $DIFFREGIMES_SCALE: scale: unknown scale "bogus" (want smoke, quick or paper)`},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestPublishMainHelper$")
		cmd.Env = append(os.Environ(), "PUBLISH_RUN_MAIN=1", "DIFFREGIMES_SCALE="+tc.env,
			"PUBLISH_ARGS="+tc.flags+" -python "+fake+" -jupyter "+fake+" -out "+filepath.Join(dir, "site")+" "+nb)
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != tc.code || !strings.Contains(string(out), tc.want) || strings.Contains(string(out), "goroutine") {
			t.Errorf("DIFFREGIMES_SCALE=%q publish %s: %v\n%s\nwant exit %d and %q", tc.env, tc.flags, err, out, tc.code, tc.want)
		}
	}
}
