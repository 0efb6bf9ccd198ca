package ddpm

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

const writerEnv = "DDPM_FAULT_WRITER_DIR"

// writerValues is the size of the variable the writer helper checkpoints (4 MB of float32: a
// write takes long enough that most kills land inside one).
const writerValues = 1 << 20

// TestFaultWriterHelper is the child of TestFaultKillDuringWrite: it writes checkpoints of step
// 1, 2, ... in a loop, each holding one variable whose every value is the step, and prints
// "wrote k" after each.
func TestFaultWriterHelper(t *testing.T) {
	dir := os.Getenv(writerEnv)
	if dir == "" {
		t.Skip("helper process of TestFaultKillDuringWrite")
	}
	start, _ := strconv.Atoi(os.Getenv("DDPM_FAULT_WRITER_START"))
	vals := make([]float32, writerValues)
	for step := start + 1; ; step++ {
		for i := range vals {
			vals[i] = float32(step)
		}
		store := model.NewStore()
		if _, err := store.CreateVariable("w", tensors.FromFlatDataAndDimensions(vals, len(vals))); err != nil {
			t.Fatal(err)
		}
		if err := writeCheckpoint(filepath.Join(dir, CheckpointFile), Meta{Step: step, Losses: []float32{float32(step)}}, store); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("wrote %d\n", step)
	}
}

// Fault class: kill during a checkpoint write. TestFaultKillDuringWrite SIGKILLs, at random
// moments, a process that does nothing but write checkpoints (so nearly every kill lands inside
// a write), restarting it after each kill. Each time, the checkpoint reads back verified, its
// header and its data belong to one and the same write (every value equals the step), and the
// step never goes back. Bounded: 12 kills, 15 s.
func TestFaultKillDuringWrite(t *testing.T) {
	const kills, budget = 12, 15 * time.Second
	dir := t.TempDir()
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 16))
	last, midWrite, n := 0, 0, 0
	deadline := time.Now().Add(budget)
	for ; n < kills && time.Now().Before(deadline); n++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestFaultWriterHelper$")
		cmd.Env = append(os.Environ(), writerEnv+"="+dir, "DDPM_FAULT_WRITER_START="+strconv.Itoa(last))
		cmd.Stderr = os.Stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stdout)
		var first time.Time
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "wrote") {
				first = time.Now()
				break
			}
		}
		go func() {
			for sc.Scan() {
			}
		}()
		if first.IsZero() {
			cmd.Wait()
			t.Fatal("the writer helper wrote nothing")
		}
		time.Sleep(time.Duration(rng.Int64N(int64(200 * time.Millisecond))))
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		if ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus); !ws.Signaled() {
			t.Fatalf("the writer helper exited by itself: %v", cmd.ProcessState)
		}
		if m, _ := filepath.Glob(filepath.Join(dir, "."+CheckpointFile+".tmp-*")); len(m) > 0 {
			midWrite++
			for _, p := range m {
				os.Remove(p)
			}
		}
		meta, store, err := ReadCheckpoint(filepath.Join(dir, CheckpointFile))
		if err != nil {
			t.Fatalf("kill %d: %v", n+1, err)
		}
		if meta.Step <= last {
			t.Fatalf("kill %d: checkpoint at step %d, previous %d", n+1, meta.Step, last)
		}
		v := tensors.MustCopyFlatData[float32](store.GetVariable("w").MustValue())
		for i, x := range v {
			if x != float32(meta.Step) {
				t.Fatalf("kill %d: header says step %d but value %d is %v: a mixed write", n+1, meta.Step, i, x)
			}
		}
		last = meta.Step
	}
	t.Logf("seed %d: %d kills, %d inside a write (temporary file left), last step %d", seed, n, midWrite, last)
	if n < 3 {
		t.Errorf("only %d kills within %v", n, budget)
	}
}
