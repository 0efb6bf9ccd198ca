package memo

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

type paths struct {
	T []float64
	Q [][]float64
}

func TestDo(t *testing.T) {
	t.Setenv(DirEnv, t.TempDir())
	calls := 0
	fn := func() (paths, error) {
		calls++
		return paths{T: []float64{2, 1}, Q: [][]float64{{0.5}, {-1}}}, nil
	}
	a, err := Do("k", fn)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Do("k", fn)
	if err != nil || calls != 1 || b.Q[1][0] != -1 || a.T[0] != b.T[0] {
		t.Fatalf("second call: calls=%d, %+v, %v", calls, b, err)
	}
	if _, _ = Do("other", fn); calls != 2 {
		t.Errorf("another key must recompute, calls=%d", calls)
	}
	bad := errors.New("boom")
	if _, err := Do("e", func() (int, error) { return 0, bad }); !errors.Is(err, bad) {
		t.Errorf("error not returned: %v", err)
	}
	if v, err := Do("e", func() (int, error) { return 3, nil }); err != nil || v != 3 {
		t.Errorf("a failed computation must not be stored: %d %v", v, err)
	}
	t.Setenv(DirEnv, "")
	if _, _ = Do("k", fn); calls != 3 {
		t.Errorf("outside GoNB Do must call fn, calls=%d", calls)
	}
}

// The stored file is complete (atomic write): no temporary files are left behind.
func TestDoLeavesNoTemporaries(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(DirEnv, dir)
	if _, err := Do("x", func() ([]float64, error) { return []float64{1, 2}, nil }); err != nil {
		t.Fatal(err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "diffregimes-memo", ".tmp-*"))
	all, _ := os.ReadDir(filepath.Join(dir, "diffregimes-memo"))
	if len(left) != 0 || len(all) != 1 {
		t.Errorf("files: %d, temporaries %v", len(all), left)
	}
}
