package experiment

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
)

// MemoDirEnv names the environment variable that enables Memo: GoNB sets it to the kernel
// session's temporary folder in every cell it runs.
const MemoDirEnv = "GONB_TMP_DIR"

// Memo returns fn's result, computed once per GoNB kernel session. GoNB recompiles a cell's
// program with every global declared so far and re-runs their initialisers at each cell, so
// a `var x = experiment.Memo(...)` keeps an expensive measurement from being redone by every
// later chart cell. The value is gob-encoded under $GONB_TMP_DIR (removed with the session, so
// a new run never sees results of older code); outside GoNB fn is simply called. The key must
// name everything the result depends on (e.g. the scale and the seed). Errors from fn are
// returned and not stored.
func Memo[T any](key string, fn func() (T, error)) (T, error) {
	dir := os.Getenv(MemoDirEnv)
	if dir == "" {
		return fn()
	}
	h := fnv.New64a()
	h.Write([]byte(key))
	path := filepath.Join(dir, "experiment-memo", fmt.Sprintf("%016x.gob", h.Sum64()))
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
		return v, fmt.Errorf("experiment: Memo %q: encoding the result: %w", key, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return v, fmt.Errorf("experiment: Memo %q: %w", key, err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		return v, fmt.Errorf("experiment: Memo %q: %w", key, err)
	}
	return v, nil
}
