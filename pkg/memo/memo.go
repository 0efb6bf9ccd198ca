package memo

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
)

// DirEnv names the environment variable that enables Do: GoNB sets it to the kernel
// session's temporary folder in every cell it runs.
const DirEnv = "GONB_TMP_DIR"

// Do returns fn's result, computed once per GoNB kernel session (see the package doc): the
// value is gob-encoded under $GONB_TMP_DIR, written atomically (temporary file and rename),
// and decoded by the later calls with the same key; outside GoNB fn is simply called. The
// key must name everything the result depends on (e.g. fmt.Sprint of the scale, the options
// and the seed). Errors from fn are returned and not stored; a stored value that no longer
// decodes into T is recomputed.
func Do[T any](key string, fn func() (T, error)) (T, error) {
	dir := os.Getenv(DirEnv)
	if dir == "" {
		return fn()
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	path := filepath.Join(dir, "diffregimes-memo", fmt.Sprintf("%016x.gob", h.Sum64()))
	var v T
	if b, err := os.ReadFile(path); err == nil {
		if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&v); err == nil {
			return v, nil
		}
	}
	v, err := fn()
	if err != nil {
		return v, err
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
		return v, fmt.Errorf("memo: %q: encoding the result: %w", key, err)
	}
	if err := writeAtomic(path, buf.Bytes()); err != nil {
		return v, fmt.Errorf("memo: %q: %w", key, err)
	}
	return v, nil
}

// writeAtomic writes data to path through a temporary file in the same folder and a rename,
// so that a reader sees the old file or the whole new one.
func writeAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}
