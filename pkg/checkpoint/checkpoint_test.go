package checkpoint

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

type testMeta struct {
	Name  string
	Steps int
}

func testStore(t *testing.T) *model.Store { return testStoreF(t) }

func testStoreF(t testing.TB) *model.Store {
	t.Helper()
	s := model.NewStore()
	w := make([]float32, 12)
	for i := range w {
		w[i] = float32(i)*0.37 - 1.5
	}
	for path, v := range map[string]*tensors.Tensor{
		"/net/w":         tensors.FromFlatDataAndDimensions(w, 3, 4),
		"/net/b":         tensors.FromValue([]float64{1e-300, -2, 3.25}),
		"/opt/step":      tensors.FromValue(int64(7)),
		"/ema/net/w_raw": tensors.FromFlatDataAndDimensions(append([]float32(nil), w...), 12),
	} {
		v2, err := s.CreateVariable(path, v)
		if err != nil {
			t.Fatal(err)
		}
		v2.Trainable = strings.HasPrefix(path, "/net/")
	}
	return s
}

func bytesOf(t *testing.T, v *model.Variable) []byte {
	var b []byte
	if err := v.MustValue().ConstBytes(func(x []byte) { b = bytes.Clone(x) }); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRoundTripIsBitExact writes a store of several dtypes and ranks and reads back every
// variable bit for bit, with its trainable flag and the caller's header.
func TestRoundTripIsBitExact(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "m.ckpt")
	src := testStore(t)
	if err := Write(path, "test", testMeta{"a", 3}, src); err != nil {
		t.Fatal(err)
	}
	var m testMeta
	dst, err := Read(path, "test", &m)
	if err != nil {
		t.Fatal(err)
	}
	if m != (testMeta{"a", 3}) {
		t.Errorf("header %+v", m)
	}
	if dst.NumVariables() != src.NumVariables() {
		t.Fatalf("%d variables, want %d", dst.NumVariables(), src.NumVariables())
	}
	for v := range src.IterVariables() {
		w := dst.GetVariable(v.Path())
		if w == nil {
			t.Fatalf("%s missing", v.Path())
		}
		if !bytes.Equal(bytesOf(t, v), bytesOf(t, w)) || !v.Shape().Equal(w.Shape()) || v.Trainable != w.Trainable {
			t.Errorf("%s: %s %v trainable %v, read %s %v trainable %v", v.Path(), v.Shape(), v.MustValue(), v.Trainable,
				w.Shape(), w.MustValue(), w.Trainable)
		}
	}
	// Same store, same bytes.
	again := filepath.Join(filepath.Dir(path), "again.ckpt")
	if err := Write(again, "test", testMeta{"a", 3}, dst); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(path)
	b, _ := os.ReadFile(again)
	if !bytes.Equal(a, b) {
		t.Error("writing the read store gives other bytes")
	}
	if err := ReadMeta(path, "test", &m); err != nil {
		t.Error(err)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestDamagedFilesAreRefused: every truncation and a bit flip in every region is an error
// naming the file and wrapping ErrCorrupt; another kind is refused by name.
func TestDamagedFilesAreRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.ckpt")
	if err := Write(path, "test", testMeta{"a", 3}, testStore(t)); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(path)
	bad := filepath.Join(t.TempDir(), "bad.ckpt")
	for cut := 0; cut < len(good); cut += max(1, len(good)/97) {
		os.WriteFile(bad, good[:cut], 0o644)
		if _, err := Read(bad, "test", nil); err == nil || !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), bad) {
			t.Fatalf("truncated to %d bytes: %v", cut, err)
		}
	}
	for i := 0; i < len(good); i += max(1, len(good)/61) {
		flipped := bytes.Clone(good)
		flipped[i] ^= 0x10
		os.WriteFile(bad, flipped, 0o644)
		if _, err := Read(bad, "test", nil); err == nil || !strings.Contains(err.Error(), bad) {
			t.Fatalf("bit flip at byte %d not detected: %v", i, err)
		}
	}
	if _, err := Read(path, "other", nil); err == nil || !strings.Contains(err.Error(), `holds a "test" checkpoint, not a "other" one`) {
		t.Errorf("kind mismatch: %v", err)
	}
	if _, err := Read(filepath.Join(t.TempDir(), "none"), "test", nil); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing file: %v", err)
	}
}

// lockHelperEnv makes the test binary a process that takes a directory's lock, says so, and
// holds it until its stdin closes.
const lockHelperEnv = "CHECKPOINT_TEST_LOCK_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(lockHelperEnv); dir != "" {
		l, err := LockDir(dir)
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(3)
		}
		fmt.Println("locked")
		_, _ = os.Stdin.Read(make([]byte, 1))
		_ = l.Release()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestLockExcludesAnotherProcess: while a real second process holds the lock, LockDir fails
// naming its PID; once it is released, the lock is free and the file gone.
func TestLockExcludesAnotherProcess(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), lockHelperEnv+"="+dir)
	stdin, _ := cmd.StdinPipe()
	var out bytes.Buffer
	pr, pw, _ := os.Pipe()
	cmd.Stdout = pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	buf := make([]byte, 7)
	if _, err := pr.Read(buf); err != nil || string(buf) != "locked\n" {
		t.Fatalf("helper: %q %v %s", buf, err, out.String())
	}
	_, err := LockDir(dir)
	if want := "locked by process " + strconv.Itoa(cmd.Process.Pid); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("LockDir while held: %v, want %q", err, want)
	}
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, LockFile)); !os.IsNotExist(err) {
		t.Errorf("lock file after release: %v", err)
	}
	l, err := LockDir(dir)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	// A second lock from the same process is refused too, naming this process.
	if _, err := LockDir(dir); err == nil || !strings.Contains(err.Error(), strconv.Itoa(os.Getpid())) {
		t.Errorf("second LockDir in the same process: %v", err)
	}
	if err := l.Release(); err != nil {
		t.Error(err)
	}
	if err := l.Release(); err != nil {
		t.Errorf("second Release: %v", err)
	}
}

// TestStaleLockIsTakenOver: a lock file holding the PID of a process that has exited is
// taken over, and then holds this process's PID.
func TestStaleLockIsTakenOver(t *testing.T) {
	dir := t.TempDir()
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skip("no `true` command:", err)
	}
	if err := os.WriteFile(filepath.Join(dir, LockFile), []byte(strconv.Itoa(dead.Process.Pid)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if pid, ok := Holder(dir); !ok || pid != dead.Process.Pid {
		t.Fatalf("Holder = %d %v", pid, ok)
	}
	l, err := LockDir(dir)
	if err != nil {
		t.Fatalf("stale lock of dead process %d: %v", dead.Process.Pid, err)
	}
	defer l.Release()
	if pid, ok := Holder(dir); !ok || pid != os.Getpid() {
		t.Errorf("after takeover the lock file holds %d, want %d", pid, os.Getpid())
	}
}

func TestCleanTemps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.ckpt")
	for _, n := range []string{".m.ckpt.tmp-1", ".m.ckpt.tmp-abc", "keep.txt", ".other.tmp-1"} {
		os.WriteFile(filepath.Join(dir, n), nil, 0o644)
	}
	removed, err := CleanTemps(path)
	if err != nil || len(removed) != 2 {
		t.Fatalf("CleanTemps = %v, %v", removed, err)
	}
	for _, n := range []string{"keep.txt", ".other.tmp-1"} {
		if _, err := os.Stat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%s removed: %v", n, err)
		}
	}
}
