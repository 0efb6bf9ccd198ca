package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/diffregimes/diffregimes/pkg/checkpoint"
	"github.com/diffregimes/diffregimes/pkg/datasets"
	"github.com/diffregimes/diffregimes/pkg/ddpm"
)

// childEnv switches the test binary into `train` itself, with the arguments in $TRAIN_ARGS
// (separated by spaces), so the tests can run it as a real second process and signal it.
const childEnv = "TRAIN_TEST_CHILD_ARGS"

func TestMain(m *testing.M) {
	if a := os.Getenv(childEnv); a != "" {
		os.Args = append([]string{"train"}, strings.Fields(a)...)
		main()
		return
	}
	os.Exit(m.Run())
}

// toyCache writes a small cache file of n 8×8 images and returns its path.
func toyCache(t *testing.T, n int) string {
	t.Helper()
	ds := &datasets.Dataset{Name: "toy", N: n, H: 8, W: 8, C: 1, X: make([]float32, n*64), Labels: make([]int, n)}
	for i := range ds.X {
		ds.X[i] = float32(i%7)/7 - 0.4
	}
	cache := filepath.Join(t.TempDir(), "toy.bin")
	if err := ds.Save(cache); err != nil {
		t.Fatal(err)
	}
	return cache
}

func runArgs(args ...string) error { return run(context.Background(), args, io.Discard, io.Discard) }

// TestTrainFromCacheFileAndResume trains the tiny configuration for 2 steps on a small cache
// file, then resumes to 3 steps, and reads the checkpoint the way notebooks do.
func TestTrainFromCacheFileAndResume(t *testing.T) {
	cache := toyCache(t, 6)
	out := filepath.Join(t.TempDir(), "run")
	args := []string{"-config", "tiny", "-data", cache, "-out", out, "-batch", "2", "-every", "1", "-L", "50", "-quiet", "-ema", "0.9"}
	if err := runArgs(append(args, "-steps", "2")...); err != nil {
		t.Fatal(err)
	}
	if err := runArgs(append(args, "-steps", "3")...); err != nil {
		t.Fatal(err)
	}
	meta, err := ddpm.ReadCheckpointMeta(out)
	if err != nil {
		t.Fatal(err)
	}
	if meta.Step != 3 || len(meta.Losses) != 3 || meta.Schedule.L != 50 || meta.Model.Base != 8 || meta.Train.EMARate != 0.9 {
		t.Errorf("checkpoint: step %d, %d losses, L %d, base %d, EMA %g", meta.Step, len(meta.Losses), meta.Schedule.L, meta.Model.Base, meta.Train.EMARate)
	}
	if meta.Data.N != 6 || meta.Data.H != 8 || meta.TrainSeconds <= 0 || meta.Saved.IsZero() || meta.Started.IsZero() {
		t.Errorf("provenance: data %s, %g s, saved %v, started %v", meta.Data, meta.TrainSeconds, meta.Saved, meta.Started)
	}
	if _, _, _, err := ddpm.LoadModel(out, 1); err != nil {
		t.Errorf("LoadModel: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, checkpoint.LockFile)); !os.IsNotExist(err) {
		t.Errorf("lock file left after the run: %v", err)
	}
	// Nothing left to train: -export still writes the EMA-only reference model.
	exp := filepath.Join(t.TempDir(), "ref")
	if err := runArgs(append(args, "-steps", "3", "-export", exp)...); err != nil {
		t.Fatal(err)
	}
	if m, err := ddpm.ReadCheckpointMeta(exp); err != nil || !m.Exported || m.Step != 3 {
		t.Errorf("export: %+v, %v", m.Exported, err)
	}
}

// TestResumeWithOtherFlags: a resume whose flags differ is refused with every difference
// listed, and -from-checkpoint takes the checkpoint's settings instead.
func TestResumeWithOtherFlags(t *testing.T) {
	cache := toyCache(t, 6)
	out := filepath.Join(t.TempDir(), "run")
	args := []string{"-config", "tiny", "-data", cache, "-out", out, "-batch", "2", "-L", "50", "-quiet"}
	if err := runArgs(append(args, "-steps", "1")...); err != nil {
		t.Fatal(err)
	}
	err := runArgs("-config", "tiny", "-data", cache, "-out", out, "-batch", "3", "-lr", "0.01", "-L", "40", "-seed", "2", "-steps", "2")
	if err == nil {
		t.Fatal("resume with other -batch -lr -L -seed succeeded")
	}
	for _, want := range []string{"batch: checkpoint 2, requested 3", "learning rate: checkpoint 0.0001, requested 0.01",
		"seed: checkpoint 1, requested 2", "schedule: checkpoint L=50", "-from-checkpoint"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not list %q:\n%v", want, err)
		}
	}
	if err := runArgs("-config", "small", "-data", cache, "-out", out, "-steps", "4"); err == nil || !strings.Contains(err.Error(), "model: checkpoint") {
		t.Errorf("config change on resume: %v", err)
	}
	if err := runArgs("-data", cache, "-out", out, "-from-checkpoint", "-steps", "2", "-quiet"); err != nil {
		t.Fatalf("-from-checkpoint: %v", err)
	}
	meta, err := ddpm.ReadCheckpointMeta(out)
	if err != nil || meta.Step != 2 || meta.Train.Batch != 2 || meta.Schedule.L != 50 {
		t.Errorf("after -from-checkpoint: step %d batch %d L %d (%v)", meta.Step, meta.Train.Batch, meta.Schedule.L, err)
	}
	if err := runArgs("-data", cache, "-out", t.TempDir(), "-from-checkpoint"); err == nil || !strings.Contains(err.Error(), "holds no checkpoint") {
		t.Errorf("-from-checkpoint without a checkpoint: %v", err)
	}
}

func TestBadArguments(t *testing.T) {
	cache := toyCache(t, 4)
	file := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-data", "/nonexistent/fmnist", "-out", t.TempDir()}, "no such file"},
		{[]string{"-data", t.TempDir(), "-out", t.TempDir(), "-dataset", "fashion-mnist"}, "fashion-mnist not found; looked in /tmp/"},
		{[]string{"-data", t.TempDir(), "-out", t.TempDir(), "-config", "huge"}, `-config "huge": want tiny, small or paper`},
		{[]string{"-data", cache, "-steps", "0"}, "-steps 0: want a number of steps > 0"},
		{[]string{"-data", cache, "-steps", "-5"}, "-steps -5"},
		{[]string{"-data", cache, "-base", "-3"}, "-base -3"},
		{[]string{"-data", cache, "-ema", "1"}, "-ema 1: want a rate in [0, 1)"},
		{[]string{"-data", cache, "-clip", "-1"}, "-clip -1"},
		{[]string{"-data", cache, "-lr", "0"}, "-lr 0"},
		{[]string{"-data", cache, "-L", "1"}, "-L 1"},
		{[]string{"-data", cache, "-n", "10", "-out", t.TempDir()}, "cache file, which fixes the training set: -n"},
		{[]string{"-preset", "nope"}, "the presets are fmnist-gen-n1000, fmnist-mem-n64, fmnist-mem-n200"},
		{[]string{"-preset", "fmnist-mem-n64", "-batch", "7"}, "-preset fmnist-mem-n64 fixes -batch"},
		{[]string{"-data", cache, "stray"}, "unexpected arguments"},
		{[]string{"-data", cache, "-out", filepath.Join(file, "run"), "-config", "tiny"}, "cannot be a checkpoint directory"},
	} {
		start := time.Now()
		err := runArgs(tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("run(%v) = %v, want an error containing %q", tc.args, err, tc.want)
		}
		if time.Since(start) > 5*time.Second {
			t.Errorf("run(%v) took %v to fail: the check must come before any training", tc.args, time.Since(start))
		}
	}
}

// child starts the test binary as `train args...` and returns it with a reader of its stderr
// and stdout lines (merged).
func child(t *testing.T, args ...string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+strings.Join(args, " "))
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { r.Close(); _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd, bufio.NewScanner(r)
}

// waitFor reads lines until one contains s, and returns it (fails after 2 minutes or at EOF).
func waitFor(t *testing.T, sc *bufio.Scanner, s string) string {
	t.Helper()
	done := make(chan string, 1)
	go func() {
		for sc.Scan() {
			if strings.Contains(sc.Text(), s) {
				done <- sc.Text()
				return
			}
		}
		done <- ""
	}()
	select {
	case line := <-done:
		if line == "" {
			t.Fatalf("child ended before printing %q", s)
		}
		return line
	case <-time.After(2 * time.Minute):
		t.Fatalf("child did not print %q within 2 minutes", s)
	}
	return ""
}

// TestSecondWriterIsLockedOut runs a real training process, then a second writer on the same
// -out, which must fail naming the first one's PID; after SIGKILL of the first, its stale lock
// file (holding the dead PID) is taken over.
func TestSecondWriterIsLockedOut(t *testing.T) {
	cache := toyCache(t, 6)
	out := filepath.Join(t.TempDir(), "run")
	cmd, sc := child(t, "-config", "tiny", "-data", cache, "-out", out, "-batch", "2", "-L", "20", "-steps", "100000", "-every", "1", "-quiet")
	waitFor(t, sc, "checkpoint step 1 ")
	err := runArgs("-config", "tiny", "-data", cache, "-out", out, "-batch", "2", "-L", "20", "-steps", "3", "-seed", "2")
	if want := "locked by process " + strconv.Itoa(cmd.Process.Pid); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("second writer: %v, want an error containing %q", err, want)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if pid, ok := checkpoint.Holder(out); !ok || pid != cmd.Process.Pid {
		t.Fatalf("after SIGKILL the lock file holds %d (%v), want the dead PID %d", pid, ok, cmd.Process.Pid)
	}
	meta, err := ddpm.ReadCheckpointMeta(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := runArgs("-config", "tiny", "-data", cache, "-out", out, "-batch", "2", "-L", "20", "-steps", strconv.Itoa(meta.Step+1)); err != nil {
		t.Fatalf("taking over the stale lock of dead process %d: %v", cmd.Process.Pid, err)
	}
}

// TestSignalWritesFinalCheckpoint sends SIGINT and SIGTERM to real training processes between
// periodic checkpoints: each writes a checkpoint at the step it reached, atomically (no
// temporary file left), releases its lock and exits with an error.
func TestSignalWritesFinalCheckpoint(t *testing.T) {
	cache := toyCache(t, 6)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "run")
			cmd, sc := child(t, "-config", "tiny", "-data", cache, "-out", out, "-batch", "2", "-L", "20", "-steps", "100000",
				"-every", "2", "-quiet")
			waitFor(t, sc, "checkpoint step 2 ")
			periodic, err := ddpm.ReadCheckpointMeta(out)
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			line := waitFor(t, sc, "interrupted: checkpoint step")
			err = cmd.Wait()
			if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
				t.Errorf("exit after %v: %v, want exit status 1", sig, err)
			}
			var step int
			if _, err := fmt.Sscanf(line[strings.Index(line, "step"):], "step %d", &step); err != nil {
				t.Fatalf("%q: %v", line, err)
			}
			meta, err := ddpm.ReadCheckpointMeta(out)
			if err != nil {
				t.Fatal(err)
			}
			if meta.Step != step || step < 2 || !meta.Saved.After(periodic.Saved) {
				t.Errorf("checkpoint at step %d saved %v, the process reported step %d; the periodic one of step 2 was saved %v",
					meta.Step, meta.Saved, step, periodic.Saved)
			}
			if left, _ := filepath.Glob(filepath.Join(out, ".*tmp-*")); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
			if _, err := os.Stat(filepath.Join(out, checkpoint.LockFile)); !os.IsNotExist(err) {
				t.Errorf("lock not released: %v", err)
			}
		})
	}
}

// TestStaleTemporaryFilesAreRemoved: the temporary files of a killed checkpoint write are
// removed by the next run on the directory.
func TestStaleTemporaryFilesAreRemoved(t *testing.T) {
	cache := toyCache(t, 4)
	out := t.TempDir()
	stale := filepath.Join(out, "."+ddpm.CheckpointFile+".tmp-12345")
	if err := os.WriteFile(stale, []byte("half a checkpoint"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := runArgs("-config", "tiny", "-data", cache, "-out", out, "-batch", "2", "-L", "20", "-steps", "1", "-quiet"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale %s still there: %v", stale, err)
	}
}

func TestHelpListsPresets(t *testing.T) {
	var b strings.Builder
	err := run(context.Background(), []string{"-h"}, io.Discard, &b)
	if err == nil || !strings.Contains(err.Error(), "help requested") {
		t.Fatalf("-h: %v", err)
	}
	for _, p := range ddpm.PresetNames() {
		if !strings.Contains(b.String(), p) {
			t.Errorf("-h does not list preset %s", p)
		}
	}
	for _, f := range []string{"-from-checkpoint", "-ema", "-warmup", "-clip", "-eval-every", "SIGINT"} {
		if !strings.Contains(b.String(), f) {
			t.Errorf("-h does not explain %s", f)
		}
	}
}
