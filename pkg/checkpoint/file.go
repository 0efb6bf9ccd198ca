package checkpoint

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
	"strings"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

const (
	magic   = "DRCKPT\x00\x01"
	trailer = "DRCKEND!"
	// Version is the format version this code writes and reads.
	Version = 1
)

// header is the JSON header of a file.
type header struct {
	Kind string          `json:"kind"`
	Meta json.RawMessage `json:"meta"`
	Vars []savedVar      `json:"vars"`
}

type savedVar struct {
	Path      string `json:"path"`
	DType     string `json:"dtype"`
	Dims      []int  `json:"dims"`
	Trainable bool   `json:"trainable"`
	Bytes     int    `json:"bytes"`
}

// TempPattern is the name pattern of the temporary file Write creates beside path (see
// CleanTemps).
func TempPattern(path string) string { return "." + filepath.Base(path) + ".tmp-*" }

// Write stores meta (any JSON-encodable value) and every variable of store in the file path,
// atomically: it writes a temporary file in the same directory, syncs it, renames it over path
// and syncs the directory, so a crash at any point leaves either the previous file or the new
// one. kind names what the file holds (e.g. "ddpm"); Read refuses a file of another kind. The
// directory is created if needed.
func Write(path, kind string, meta any, store *model.Store) error {
	mj, err := json.Marshal(meta)
	if err != nil {
		return fmt.Errorf("checkpoint %s: header: %w", path, err)
	}
	h := header{Kind: kind, Meta: mj}
	var blobs [][]byte
	if store != nil {
		vars := slices.Collect(store.IterVariables())
		slices.SortFunc(vars, func(a, b *model.Variable) int { return strings.Compare(a.Path(), b.Path()) })
		for _, v := range vars {
			t, err := v.Value()
			if err != nil {
				return fmt.Errorf("checkpoint %s: reading variable %s: %w", path, v.Path(), err)
			}
			var raw []byte
			if err := t.ConstBytes(func(b []byte) { raw = bytes.Clone(b) }); err != nil {
				return fmt.Errorf("checkpoint %s: bytes of %s: %w", path, v.Path(), err)
			}
			h.Vars = append(h.Vars, savedVar{Path: v.Path(), DType: t.DType().String(), Dims: t.Shape().Dimensions,
				Trainable: v.Trainable, Bytes: len(raw)})
			blobs = append(blobs, raw)
		}
	}
	hj, err := json.Marshal(h)
	if err != nil {
		return fmt.Errorf("checkpoint %s: header: %w", path, err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("checkpoint %s: directory: %w", path, err)
	}
	f, err := os.CreateTemp(dir, TempPattern(path))
	if err != nil {
		return fmt.Errorf("checkpoint %s: temporary file: %w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after the rename
	fail := func(what string, err error) error {
		f.Close()
		return fmt.Errorf("checkpoint %s: %s: %w", path, what, err)
	}
	if err := f.Chmod(0o644); err != nil { // CreateTemp makes 0600 files
		return fail("permissions", err)
	}
	crc := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	w := io.MultiWriter(f, crc)
	var pre [12]byte
	binary.LittleEndian.PutUint32(pre[0:], Version)
	binary.LittleEndian.PutUint64(pre[4:], uint64(len(hj)))
	for _, p := range append([][]byte{[]byte(magic), pre[:], hj}, blobs...) {
		if _, err := w.Write(p); err != nil {
			return fail("writing", err)
		}
	}
	var tail [4]byte
	binary.LittleEndian.PutUint32(tail[:], crc.Sum32())
	if _, err := f.Write(append(tail[:], trailer...)); err != nil {
		return fail("writing", err)
	}
	if err := f.Sync(); err != nil {
		return fail("syncing", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("checkpoint %s: closing: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("checkpoint %s: installing: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil { // make the rename durable
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// ErrCorrupt is wrapped by the errors of Read and Decode for a file that is not a complete,
// intact checkpoint (truncated, bit-flipped, or not a checkpoint at all).
var ErrCorrupt = errors.New("corrupt or truncated")

// Read reads and verifies the file path written by Write with the same kind, decodes its
// header into meta (a pointer) and returns a new store holding its variables. A missing,
// truncated or corrupted file, or one of another kind, is an error naming the path.
func Read(path, kind string, meta any) (*model.Store, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("checkpoint %s does not exist", path)
		}
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	store, err := Decode(raw, kind, meta)
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return store, nil
}

// ReadMeta is Read without building the store: it verifies the whole file and decodes only
// its header into meta.
func ReadMeta(path, kind string, meta any) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("checkpoint %s does not exist", path)
		}
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	if _, _, err := decodeHeader(raw, kind, meta); err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return nil
}

// decodeHeader verifies raw and decodes its header; it returns the variables' descriptions and
// the body after the header.
func decodeHeader(raw []byte, kind string, meta any) ([]savedVar, []byte, error) {
	bad := func(why string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(why, args...))
	}
	if len(raw) < len(magic)+12+4+len(trailer) {
		return nil, nil, bad("%d bytes, shorter than any checkpoint", len(raw))
	}
	if string(raw[:len(magic)]) != magic {
		return nil, nil, bad("not a checkpoint of this project (bad magic)")
	}
	if string(raw[len(raw)-len(trailer):]) != trailer {
		return nil, nil, bad("missing end marker")
	}
	body := raw[:len(raw)-len(trailer)-4]
	want := binary.LittleEndian.Uint32(raw[len(body):])
	if got := crc32.Checksum(body, crc32.MakeTable(crc32.Castagnoli)); got != want {
		return nil, nil, bad("CRC mismatch (%08x != %08x)", got, want)
	}
	off := len(magic)
	if v := binary.LittleEndian.Uint32(body[off:]); v != Version {
		return nil, nil, fmt.Errorf("format version %d, this code reads %d", v, Version)
	}
	hlen := binary.LittleEndian.Uint64(body[off+4:])
	off += 12
	if hlen > uint64(len(body)-off) {
		return nil, nil, bad("header length %d exceeds the file", hlen)
	}
	var h header
	if err := json.Unmarshal(body[off:off+int(hlen)], &h); err != nil {
		return nil, nil, bad("header: %v", err)
	}
	if h.Kind != kind {
		return nil, nil, fmt.Errorf("holds a %q checkpoint, not a %q one", h.Kind, kind)
	}
	if meta != nil {
		if err := json.Unmarshal(h.Meta, meta); err != nil {
			return nil, nil, bad("%s header: %v", kind, err)
		}
	}
	return h.Vars, body[off+int(hlen):], nil
}

// Decode is Read on the bytes of a file.
func Decode(raw []byte, kind string, meta any) (*model.Store, error) {
	vars, body, err := decodeHeader(raw, kind, meta)
	if err != nil {
		return nil, err
	}
	bad := func(why string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(why, args...))
	}
	store := model.NewStore()
	off := 0
	for _, sv := range vars {
		dt, err := dtypes.DTypeString(sv.DType)
		if err != nil || !dt.IsSupported() {
			return nil, bad("variable %s has unknown dtype %q", sv.Path, sv.DType)
		}
		size := 1
		for _, d := range sv.Dims {
			if d < 0 || (d > 0 && size > len(body)/d) {
				return nil, bad("variable %s has dimensions %v", sv.Path, sv.Dims)
			}
			size *= d
		}
		shape := shapes.Make(dt, sv.Dims...)
		if int(shape.ByteSize()) != sv.Bytes || sv.Bytes > len(body)-off {
			return nil, bad("variable %s: %d bytes for shape %s", sv.Path, sv.Bytes, shape)
		}
		if !strings.HasPrefix(sv.Path, "/") || store.GetVariable(sv.Path) != nil {
			return nil, bad("variable path %q is invalid or repeated", sv.Path)
		}
		t := tensors.FromShape(shape)
		if err := t.MutableBytes(func(b []byte) { copy(b, body[off:off+sv.Bytes]) }); err != nil {
			return nil, fmt.Errorf("variable %s: %w", sv.Path, err)
		}
		off += sv.Bytes
		v, err := store.CreateVariable(sv.Path, t)
		if err != nil {
			return nil, fmt.Errorf("variable %s: %w", sv.Path, err)
		}
		v.Trainable = sv.Trainable
	}
	if off != len(body) {
		return nil, bad("%d unexplained bytes after the variables", len(body)-off)
	}
	return store, nil
}
