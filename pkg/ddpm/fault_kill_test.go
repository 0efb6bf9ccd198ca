package ddpm

import (
	"bufio"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Fault class: kill during training. TestFaultKillAtRandomMoments trains the tiny model in a
// child process (the helper of TestResumeAfterSIGKILL) and SIGKILLs it at random moments of its
// training, repeatedly, resuming each time. After every kill the checkpoint is complete and
// verified and its step never goes back; kills that land during a write (a temporary file is
// left) are counted. The last resume finishes, and the result equals, bit for bit, an
// uninterrupted run. Bounded: at most 4 kills and 15 s of killing. (TestFaultKillDuringWrite
// kills a process that only writes checkpoints, so that most kills land inside a write.)
func TestFaultKillAtRandomMoments(t *testing.T) {
	const (
		total     = 30
		stepSleep = 10 // ms after each step
		maxKills  = 4
		budget    = 15 * time.Second
	)
	straight, killed := t.TempDir(), t.TempDir()
	// The uninterrupted run measures the checkpoint period, so that the kill moments follow the
	// machine's speed.
	cmd := runHelper(t, straight, total, stepSleep)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var marks []time.Time // the checkpoint lines
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "checkpoint step") {
			marks = append(marks, time.Now())
		}
	}
	if err := cmd.Wait(); err != nil || len(marks) < 3 {
		t.Fatalf("uninterrupted run: %v, %d checkpoints", err, len(marks))
	}
	period := marks[len(marks)-1].Sub(marks[0]) / time.Duration(len(marks)-1)
	killSpan := 2 * period
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 15))
	t.Logf("uninterrupted run: a checkpoint every %v; kill moments uniform in [0, %v] after a child's first checkpoint, seed %d",
		period.Round(time.Millisecond), killSpan.Round(time.Millisecond), seed)

	ckpt := filepath.Join(killed, CheckpointFile)
	kills, midWrite, lastStep := 0, 0, 0
	deadline := time.Now().Add(budget)
	for kills < maxKills && time.Now().Before(deadline) {
		cmd := runHelper(t, killed, total, stepSleep)
		stdout, err = cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Wait for the child's first checkpoint (its graph is compiled, its training under
		// way), then kill it at a random moment of the next two checkpoint periods.
		sc := bufio.NewScanner(stdout)
		for sc.Scan() && !strings.HasPrefix(sc.Text(), "checkpoint step") {
		}
		go func() { // drain, so that the child never blocks on a full pipe
			for sc.Scan() {
			}
		}()
		time.Sleep(time.Duration(rng.Int64N(int64(killSpan))))
		_ = cmd.Process.Signal(syscall.SIGKILL)
		err = cmd.Wait()
		ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
		if !ws.Signaled() {
			if err != nil {
				t.Fatalf("training run failed: %v", err)
			}
			break // it finished before the kill
		}
		kills++
		if m, _ := filepath.Glob(filepath.Join(killed, "."+CheckpointFile+".tmp-*")); len(m) > 0 {
			midWrite++
			for _, p := range m {
				os.Remove(p) // a leftover of the killed write; never read
			}
		}
		meta, _, err := ReadCheckpoint(ckpt)
		switch {
		case err != nil:
			t.Fatalf("after kill %d: %v", kills, err)
		case meta.Step < lastStep:
			t.Fatalf("after kill %d: checkpoint went back from step %d to %d", kills, lastStep, meta.Step)
		default:
			lastStep = meta.Step
		}
	}
	t.Logf("%d kills, %d during a checkpoint write, last checkpoint at step %d", kills, midWrite, lastStep)
	if kills == 0 {
		t.Fatal("no kill landed")
	}
	if out, err := runHelper(t, killed, total, 0).Output(); err != nil {
		t.Fatalf("final resume: %v\n%s", err, out)
	}
	ma, sa, err := ReadCheckpoint(filepath.Join(straight, CheckpointFile))
	if err != nil {
		t.Fatal(err)
	}
	mb, sb, err := ReadCheckpoint(ckpt)
	if err != nil {
		t.Fatal(err)
	}
	if ma.Step != total || mb.Step != total || len(ma.Losses) != len(mb.Losses) {
		t.Fatalf("final steps %d and %d (%d, %d losses), want %d", ma.Step, mb.Step, len(ma.Losses), len(mb.Losses), total)
	}
	for i := range ma.Losses {
		if ma.Losses[i] != mb.Losses[i] {
			t.Errorf("loss of step %d: uninterrupted %v, killed and resumed %v", i+1, ma.Losses[i], mb.Losses[i])
		}
	}
	compareStores(t, sa, sb)
}
