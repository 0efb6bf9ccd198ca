package checkpoint

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// LockFile is the name of the lock file that Lock creates inside a checkpoint directory.
const LockFile = "writer.lock"

// Lock is a held writer lock on a checkpoint directory.
type Lock struct {
	f    *os.File
	path string
}

// LockDir makes the calling process the only writer of the checkpoint directory dir (created if
// needed). It opens dir/LockFile and takes an exclusive flock(2) on it without waiting; on
// success it writes its PID there. The kernel drops the lock when the holder exits, however it
// exits, so the lock of a dead process (a stale lock file) is simply taken over. When another
// live process holds the lock, the error names the directory and the holder's PID.
//
// A second LockDir on the same directory from the same process also fails: the lock is held per
// open file, not per process.
func LockDir(dir string) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("checkpoint directory %s: %w", dir, err)
	}
	path := filepath.Join(dir, LockFile)
	var f *os.File
	for attempt := 0; ; attempt++ {
		var err error
		if f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644); err != nil {
			return nil, fmt.Errorf("checkpoint directory %s: lock: %w", dir, err)
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				holder := "an unknown process"
				if pid, ok := readPID(path); ok {
					holder = "process " + strconv.Itoa(pid)
				}
				return nil, fmt.Errorf("checkpoint directory %s is locked by %s (%s): another training run writes there; "+
					"wait for it, stop it, or use another directory", dir, holder, path)
			}
			return nil, fmt.Errorf("checkpoint directory %s: lock: %w", dir, err)
		}
		// The holder may have released (and removed) the file between our open and flock: then
		// we hold a lock on an unlinked file, and must retry on the file now at path.
		if same(f, path) {
			break
		}
		f.Close()
		if attempt == 10 {
			return nil, fmt.Errorf("checkpoint directory %s: lock file %s keeps being replaced", dir, path)
		}
	}
	if err := f.Truncate(0); err == nil {
		_, err = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
		if err == nil {
			err = f.Sync()
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("checkpoint directory %s: writing the lock: %w", dir, err)
		}
	}
	return &Lock{f: f, path: path}, nil
}

// Release drops the lock and removes the lock file. It is safe to call more than once.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	// Remove while still holding the lock, so no other process's fresh lock file is removed.
	err := os.Remove(l.path)
	if cerr := l.f.Close(); err == nil {
		err = cerr
	}
	l.f = nil
	return err
}

// same reports whether the open file f is the file now at path.
func same(f *os.File, path string) bool {
	a, err1 := f.Stat()
	b, err2 := os.Stat(path)
	return err1 == nil && err2 == nil && os.SameFile(a, b)
}

// Holder returns the PID written in dir's lock file, if any (it may be stale: LockDir decides).
func Holder(dir string) (int, bool) { return readPID(filepath.Join(dir, LockFile)) }

func readPID(path string) (int, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid, err == nil && pid > 0
}

// CleanTemps removes the temporary files that Write leaves when its process is killed before
// the rename (named after TempPattern(path)) and returns their names. Call it only while
// holding the directory's Lock: another live writer's temporary file would be removed too.
func CleanTemps(path string) ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(filepath.Dir(path), TempPattern(path)))
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, m := range matches {
		if err := os.Remove(m); err != nil && !errors.Is(err, os.ErrNotExist) {
			return removed, fmt.Errorf("removing stale %s: %w", m, err)
		}
		removed = append(removed, m)
	}
	return removed, nil
}
