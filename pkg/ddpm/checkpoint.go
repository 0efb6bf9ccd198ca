package ddpm

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/diffregimes/diffregimes/pkg/unet"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// CheckpointFile is the name of the latest checkpoint inside a training directory.
const CheckpointFile = "checkpoint.ddpm"

// checkpointMagic opens every checkpoint file; checkpointTrailer closes it after the CRC.
const (
	checkpointMagic   = "DDPMCKPT"
	checkpointTrailer = "DDPMEND!"
	checkpointVersion = 1
)

// Meta is the JSON header of a checkpoint: everything needed to rebuild the model and resume.
type Meta struct {
	Version  int         `json:"version"`
	Model    unet.Config `json:"model"`
	Train    TrainConfig `json:"train"`
	Step     int         `json:"step"` // training steps completed
	Schedule struct {
		BetaStart, BetaEnd float64
		L                  int
	} `json:"schedule"`
	Losses []float32  `json:"losses"` // loss of every step so far, for the curves
	Vars   []savedVar `json:"vars"`
}

type savedVar struct {
	Path      string `json:"path"`
	DType     string `json:"dtype"`
	Dims      []int  `json:"dims"`
	Trainable bool   `json:"trainable"`
	Bytes     int    `json:"bytes"`
}

// writeCheckpoint writes meta and every variable of store to path atomically: it writes a
// temporary file in the same directory, syncs it, and renames it over path, so a crash (or
// SIGKILL) at any point leaves either the previous checkpoint or the new one, never a mix.
//
// Layout: magic, uint32 version, uint64 header length, JSON header, raw little-endian variable
// values in header order, CRC-32C of all preceding bytes, trailer.
func writeCheckpoint(path string, meta Meta, store *model.Store) error {
	var blobs [][]byte
	meta.Version = checkpointVersion
	meta.Vars = nil
	vars := slices.Collect(store.IterVariables())
	slices.SortFunc(vars, func(a, b *model.Variable) int { return cmpString(a.Path(), b.Path()) })
	for _, v := range vars {
		t, err := v.Value()
		if err != nil {
			return fmt.Errorf("ddpm: checkpoint: reading variable %s: %w", v.Path(), err)
		}
		var raw []byte
		if err := t.ConstBytes(func(b []byte) { raw = bytes.Clone(b) }); err != nil {
			return fmt.Errorf("ddpm: checkpoint: bytes of %s: %w", v.Path(), err)
		}
		meta.Vars = append(meta.Vars, savedVar{Path: v.Path(), DType: t.DType().String(), Dims: t.Shape().Dimensions,
			Trainable: v.Trainable, Bytes: len(raw)})
		blobs = append(blobs, raw)
	}
	header, err := json.Marshal(meta)
	if err != nil {
		return fmt.Errorf("ddpm: checkpoint header: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("ddpm: checkpoint directory: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("ddpm: checkpoint temp file: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)                   // no-op after the rename
	if err := f.Chmod(0o644); err != nil { // CreateTemp makes 0600 files
		f.Close()
		return fmt.Errorf("ddpm: checkpoint permissions: %w", err)
	}
	crc := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	w := io.MultiWriter(f, crc)
	var hdr [12]byte
	binary.LittleEndian.PutUint32(hdr[0:], checkpointVersion)
	binary.LittleEndian.PutUint64(hdr[4:], uint64(len(header)))
	parts := append([][]byte{[]byte(checkpointMagic), hdr[:], header}, blobs...)
	for _, p := range parts {
		if _, err := w.Write(p); err != nil {
			f.Close()
			return fmt.Errorf("ddpm: writing checkpoint: %w", err)
		}
	}
	var tail [4]byte
	binary.LittleEndian.PutUint32(tail[:], crc.Sum32())
	if _, err := f.Write(append(tail[:], checkpointTrailer...)); err != nil {
		f.Close()
		return fmt.Errorf("ddpm: writing checkpoint: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("ddpm: syncing checkpoint: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("ddpm: closing checkpoint: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("ddpm: installing checkpoint: %w", err)
	}
	if d, err := os.Open(dir); err == nil { // make the rename durable
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// ReadCheckpoint reads and verifies a checkpoint file, returning its header and a new store
// holding its variables. A missing, truncated or corrupted file is an error naming the path.
func ReadCheckpoint(path string) (Meta, *model.Store, error) {
	var meta Meta
	raw, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return meta, nil, fmt.Errorf("ddpm: checkpoint %s does not exist", path)
		}
		return meta, nil, fmt.Errorf("ddpm: reading checkpoint: %w", err)
	}
	bad := func(why string, args ...any) error {
		return fmt.Errorf("ddpm: checkpoint %s is corrupt or truncated: %s", path, fmt.Sprintf(why, args...))
	}
	minLen := len(checkpointMagic) + 12 + 4 + len(checkpointTrailer)
	if len(raw) < minLen {
		return meta, nil, bad("%d bytes, shorter than any checkpoint", len(raw))
	}
	if string(raw[:len(checkpointMagic)]) != checkpointMagic {
		return meta, nil, bad("not a ddpm checkpoint (bad magic)")
	}
	if string(raw[len(raw)-len(checkpointTrailer):]) != checkpointTrailer {
		return meta, nil, bad("missing end marker")
	}
	body := raw[:len(raw)-len(checkpointTrailer)-4]
	want := binary.LittleEndian.Uint32(raw[len(body):])
	if got := crc32.Checksum(body, crc32.MakeTable(crc32.Castagnoli)); got != want {
		return meta, nil, bad("CRC mismatch (%08x != %08x)", got, want)
	}
	off := len(checkpointMagic)
	if v := binary.LittleEndian.Uint32(body[off:]); v != checkpointVersion {
		return meta, nil, fmt.Errorf("ddpm: checkpoint %s has format version %d, this code reads %d", path, v, checkpointVersion)
	}
	hlen := binary.LittleEndian.Uint64(body[off+4:])
	off += 12
	if hlen > uint64(len(body)-off) {
		return meta, nil, bad("header length %d exceeds file", hlen)
	}
	if err := json.Unmarshal(body[off:off+int(hlen)], &meta); err != nil {
		return meta, nil, bad("header: %v", err)
	}
	off += int(hlen)
	store := model.NewStore()
	seen := map[string]bool{}
	for _, sv := range meta.Vars {
		dt, err := dtypes.DTypeString(sv.DType)
		if err != nil || !byteDTypes[dt] {
			return meta, nil, bad("variable %s has unknown dtype %q", sv.Path, sv.DType)
		}
		if sv.Path == "" || seen[sv.Path] {
			return meta, nil, bad("variable path %q empty or repeated", sv.Path)
		}
		seen[sv.Path] = true
		// Dimensions come from the file: non-negative, and no more values than bytes remain
		// (which also keeps their product from overflowing) before shapes.Make sees them.
		size := 1
		for _, d := range sv.Dims {
			if d < 0 || d > 0 && size > (len(body)-off)/d {
				return meta, nil, bad("variable %s: dimensions %v do not fit the file", sv.Path, sv.Dims)
			}
			size *= d
		}
		shape := shapes.Make(dt, sv.Dims...)
		if int(shape.ByteSize()) != sv.Bytes || off+sv.Bytes > len(body) {
			return meta, nil, bad("variable %s: %d bytes for shape %s", sv.Path, sv.Bytes, shape)
		}
		t := tensors.FromShape(shape)
		if err := t.MutableBytes(func(b []byte) { copy(b, body[off:off+sv.Bytes]) }); err != nil {
			return meta, nil, fmt.Errorf("ddpm: checkpoint variable %s: %w", sv.Path, err)
		}
		off += sv.Bytes
		v, err := store.CreateVariable(sv.Path, t)
		if err != nil {
			return meta, nil, fmt.Errorf("ddpm: checkpoint variable %s: %w", sv.Path, err)
		}
		v.Trainable = sv.Trainable
	}
	if off != len(body) {
		return meta, nil, bad("%d unexplained bytes after the variables", len(body)-off)
	}
	store.SetParam(unet.ParamSeedKey, meta.Model.Seed)
	return meta, store, nil
}

// byteDTypes are the dtypes a checkpoint may hold: whole bytes per value, with a Go type.
var byteDTypes = map[dtypes.DType]bool{
	dtypes.Float64: true, dtypes.Float32: true, dtypes.Float16: true, dtypes.BFloat16: true,
	dtypes.Int64: true, dtypes.Int32: true, dtypes.Int16: true, dtypes.Int8: true,
	dtypes.Uint64: true, dtypes.Uint32: true, dtypes.Uint16: true, dtypes.Uint8: true, dtypes.Bool: true,
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ReadCheckpointMeta reads only what ReadCheckpoint verifies and returns the header (step,
// configurations, loss history) of a checkpoint file or of a directory holding CheckpointFile.
func ReadCheckpointMeta(path string) (Meta, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, CheckpointFile)
	}
	meta, _, err := ReadCheckpoint(path)
	return meta, err
}
