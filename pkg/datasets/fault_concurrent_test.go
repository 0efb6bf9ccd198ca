package datasets

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

const cacheWriterEnv = "DATASETS_FAULT_CACHE_WRITER"

// fzWriterDataset is writer w's dataset: every pixel and label tells w, so that a reader can
// tell a whole file of one writer from a mix.
func fzWriterDataset(w int) *Dataset {
	ds := &Dataset{Name: "writer-" + strconv.Itoa(w), N: 64, H: 16, W: 16, C: 3, X: make([]float32, 64*16*16*3), Labels: make([]int, 64)}
	for i := range ds.X {
		ds.X[i] = float32(w) / 255
	}
	for i := range ds.Labels {
		ds.Labels[i] = w
	}
	return ds
}

// TestFaultCacheWriterHelper is a child of TestFaultConcurrentCacheWriters: it saves its dataset
// to the shared path $DATASETS_FAULT_CACHE_WRITER 40 times.
func TestFaultCacheWriterHelper(t *testing.T) {
	path := os.Getenv(cacheWriterEnv)
	if path == "" {
		t.Skip("helper process of TestFaultConcurrentCacheWriters")
	}
	w, _ := strconv.Atoi(os.Getenv("DATASETS_FAULT_WRITER_ID"))
	ds := fzWriterDataset(w)
	for range 40 {
		if err := ds.Save(path); err != nil {
			t.Fatal(err)
		}
	}
}

// Fault class: concurrent writers. Three processes save different datasets to the same cache
// file at once while this one reads it in a loop: every read is a whole, verified dataset of one
// writer (never a mix, never a checksum error), and no temporary file is left. Bounded: 3 writers
// × 40 saves, reads stop when the writers end or after 20 s.
func TestFaultConcurrentCacheWriters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.drds")
	var cmds []*exec.Cmd
	for w := 1; w <= 3; w++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestFaultCacheWriterHelper$")
		cmd.Env = append(os.Environ(), cacheWriterEnv+"="+path, "DATASETS_FAULT_WRITER_ID="+strconv.Itoa(w))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	done := make(chan error, len(cmds))
	for _, c := range cmds {
		go func() { done <- c.Wait() }()
	}
	reads, seen := 0, map[string]int{}
	deadline := time.After(20 * time.Second)
	for running := len(cmds); running > 0; {
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("writer: %v", err)
			}
			running--
			continue
		case <-deadline:
			t.Fatal("writers did not finish within 20 s")
		default:
		}
		ds, err := ReadCache(path)
		if errors.Is(err, os.ErrNotExist) {
			continue // before the first rename
		}
		if err != nil {
			t.Fatalf("read %d: %v", reads, err)
		}
		checkWriter(t, ds)
		seen[ds.Name]++
		reads++
	}
	ds, err := ReadCache(path)
	if err != nil {
		t.Fatal(err)
	}
	checkWriter(t, ds)
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "*.tmp*")); len(m) > 0 {
		t.Errorf("temporary files left: %v", m)
	}
	t.Logf("%d verified reads during the writes, by writer: %v", reads, seen)
}

func checkWriter(t *testing.T, ds *Dataset) {
	t.Helper()
	var w int
	if _, err := fmt.Sscanf(ds.Name, "writer-%d", &w); err != nil {
		t.Fatalf("read a dataset named %q", ds.Name)
	}
	want := fzWriterDataset(w)
	if ds.N != want.N || len(ds.X) != len(want.X) {
		t.Fatalf("%s: n=%d, len(X)=%d", ds.Name, ds.N, len(ds.X))
	}
	for i, v := range ds.X {
		if v != want.X[i] {
			t.Fatalf("%s: pixel %d = %v, want %v: a mix of writers", ds.Name, i, v, want.X[i])
		}
	}
	for i, l := range ds.Labels {
		if l != w {
			t.Fatalf("%s: label %d = %d: a mix of writers", ds.Name, i, l)
		}
	}
}
