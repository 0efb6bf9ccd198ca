package ddpm

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

func runHelper(t *testing.T, dir string, steps, sleepMS int) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+dir, "DDPM_TEST_STEPS="+itoa(steps), "DDPM_TEST_SLEEP_MS="+itoa(sleepMS))
	cmd.Stderr = os.Stderr
	return cmd
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestResumeAfterSIGKILL trains in a child process, SIGKILLs it right after its first
// checkpoint, resumes in a new process, and checks that every variable (parameters, their EMA,
// Adam moments and counters), every loss and every held-out evaluation equal, bit for bit,
// those of an uninterrupted run (with warm-up, clipping and EMA all on).
func TestResumeAfterSIGKILL(t *testing.T) {
	const total = 12
	straight, killed := t.TempDir(), t.TempDir()
	if out, err := runHelper(t, straight, total, 0).Output(); err != nil {
		t.Fatalf("uninterrupted run: %v\n%s", err, out)
	}

	cmd := runHelper(t, killed, total, 150)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "checkpoint step") {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child was not killed by SIGKILL: %v", err)
	}
	meta, _, err := ReadCheckpoint(filepath.Join(killed, CheckpointFile))
	if err != nil {
		t.Fatalf("checkpoint after SIGKILL: %v", err)
	}
	if meta.Step <= 0 || meta.Step >= total {
		t.Fatalf("killed run's checkpoint is at step %d, want strictly inside (0, %d)", meta.Step, total)
	}
	t.Logf("killed after the checkpoint of step %d; resuming", meta.Step)
	out, err := runHelper(t, killed, total, 0).Output()
	if err != nil {
		t.Fatalf("resumed run: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "start step "+itoa(meta.Step)) {
		t.Fatalf("resumed run did not start at step %d:\n%s", meta.Step, out)
	}

	ma, sa, err := ReadCheckpoint(filepath.Join(straight, CheckpointFile))
	if err != nil {
		t.Fatal(err)
	}
	mb, sb, err := ReadCheckpoint(filepath.Join(killed, CheckpointFile))
	if err != nil {
		t.Fatal(err)
	}
	if ma.Step != total || mb.Step != total {
		t.Fatalf("final steps %d and %d, want %d", ma.Step, mb.Step, total)
	}
	for i := range ma.Losses {
		if ma.Losses[i] != mb.Losses[i] {
			t.Errorf("loss of step %d: uninterrupted %v, resumed %v", i+1, ma.Losses[i], mb.Losses[i])
		}
	}
	if len(ma.Evals) != total/4 || len(mb.Evals) != len(ma.Evals) {
		t.Fatalf("%d and %d held-out evaluations, want %d", len(ma.Evals), len(mb.Evals), total/4)
	}
	for i := range ma.Evals {
		if ma.Evals[i] != mb.Evals[i] {
			t.Errorf("evaluation %d: uninterrupted %+v, resumed %+v", i, ma.Evals[i], mb.Evals[i])
		}
	}
	compareStores(t, sa, sb)
}

// compareStores requires the same variables with bit-identical values.
func compareStores(t *testing.T, a, b *model.Store) {
	t.Helper()
	if a.NumVariables() != b.NumVariables() {
		t.Fatalf("%d vs %d variables", a.NumVariables(), b.NumVariables())
	}
	n := 0
	for v := range a.IterVariables() {
		w := b.GetVariable(v.Path())
		if w == nil {
			t.Fatalf("variable %s missing after resume", v.Path())
		}
		var ra, rb []byte
		_ = v.MustValue().ConstBytes(func(x []byte) { ra = bytes.Clone(x) })
		_ = w.MustValue().ConstBytes(func(x []byte) { rb = bytes.Clone(x) })
		if !bytes.Equal(ra, rb) {
			t.Errorf("variable %s differs after resume (first values %v vs %v)", v.Path(), head(v.MustValue()), head(w.MustValue()))
		}
		n++
	}
	t.Logf("%d variables bit-identical", n)
}

func head(t *tensors.Tensor) any {
	if t.DType().String() == "Float32" && t.Shape().Size() > 3 {
		return tensors.MustCopyFlatData[float32](t)[:3]
	}
	return t.Value()
}
