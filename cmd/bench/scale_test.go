package main

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestBenchMainHelper runs main when the test binary is re-executed by TestBogusScale.
func TestBenchMainHelper(t *testing.T) {
	if os.Getenv("BENCH_RUN_MAIN") != "1" {
		t.Skip("helper process of TestBogusScale")
	}
	os.Args = []string{"bench", "-what", "score"}
	main()
}

// TestBogusScale: DIFFREGIMES_SCALE=bogus makes bench (a real process) exit with status 1 and a
// one-line error naming the variable, its value and the valid values: no panic (issue 15 row 6).
func TestBogusScale(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchMainHelper$")
	cmd.Env = append(os.Environ(), "BENCH_RUN_MAIN=1", "DIFFREGIMES_SCALE=bogus")
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("bench with a bogus scale: %v, want exit status 1\n%s", err, out)
	}
	msg := strings.TrimSpace(string(out))
	if want := `bench: $DIFFREGIMES_SCALE: scale: unknown scale "bogus" (want smoke, quick or paper)`; msg != want {
		t.Errorf("output %q, want %q", msg, want)
	}
}
