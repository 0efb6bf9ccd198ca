package datasets

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// Cache file layout (little-endian), written by Save and read by ReadCache:
//
//	magic "DRDS" | version u32 = 1 | encoding u8 (1 = u8 pixels v = b/255 - Mean[c], 4 = float32)
//	n, h, w, c u32 | name len u32, name | classes u32, then len u32 + bytes each
//	hasMean u8, c float32 means | n int32 labels | pixels (n·h·w·c, 1 or 4 bytes each)
//	crc32 (IEEE) of everything before it
//
// Data from 8-bit sources, centred or not, round-trips bit-exactly through the 1-byte encoding
// (4× smaller): Save checks that float32(b)/255 - Mean[c] reproduces every value; anything
// else (resized LSUN images) is stored as float32.
const (
	cacheMagic   = "DRDS"
	cacheVersion = 1
	encU8        = 1
	encF32       = 4
)

// Save writes ds to path atomically: it writes a temporary file in the same directory, syncs
// it, and renames it over path, so a crash never leaves a half-written cache.
func (ds *Dataset) Save(path string) error {
	if err := ds.Check(); err != nil {
		return err
	}
	var buf bytes.Buffer
	w32 := func(v uint32) { binary.Write(&buf, binary.LittleEndian, v) }
	buf.WriteString(cacheMagic)
	w32(cacheVersion)
	enc := byte(encF32)
	if exactBytes(ds.X, ds.Mean, ds.C) {
		enc = encU8
	}
	buf.WriteByte(enc)
	for _, v := range []int{ds.N, ds.H, ds.W, ds.C} {
		w32(uint32(v))
	}
	w32(uint32(len(ds.Name)))
	buf.WriteString(ds.Name)
	w32(uint32(len(ds.ClassNames)))
	for _, s := range ds.ClassNames {
		w32(uint32(len(s)))
		buf.WriteString(s)
	}
	if ds.Mean != nil {
		buf.WriteByte(1)
		binary.Write(&buf, binary.LittleEndian, ds.Mean)
	} else {
		buf.WriteByte(0)
	}
	for _, l := range ds.Labels {
		binary.Write(&buf, binary.LittleEndian, int32(l))
	}
	if enc == encU8 {
		px := make([]byte, len(ds.X))
		for i, v := range ds.X {
			px[i] = toByte(v, ds.Mean, ds.C, i)
		}
		buf.Write(px)
	} else {
		binary.Write(&buf, binary.LittleEndian, ds.X)
	}
	w32(crc32.ChecksumIEEE(buf.Bytes()))

	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("datasets: cache dir: %w", err)
	}
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("datasets: cache: %w", err)
	}
	_, werr := tmp.Write(buf.Bytes())
	merr := tmp.Chmod(0o644) // CreateTemp makes 0600; caches are shared data
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := firstErr(werr, merr, serr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("datasets: writing cache %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("datasets: cache: %w", err)
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// toByte inverts v = float32(b)/255 - mean[i mod c] (mean may be nil).
func toByte(v float32, mean []float32, c, i int) byte {
	u := float64(v)
	if mean != nil {
		u += float64(mean[i%c])
	}
	return byte(math.Round(math.Min(255, math.Max(0, u*255))))
}

// exactBytes reports whether every value is float32(b)/255 - mean[channel] for a byte b,
// bit for bit as bytesToUnit and CenterInPlace produce it.
func exactBytes(x, mean []float32, c int) bool {
	for i, v := range x {
		u := float32(toByte(v, mean, c, i)) / 255
		if mean != nil {
			u -= mean[i%c]
		}
		if u != v {
			return false
		}
	}
	return true
}

// ReadCache reads a file written by Save, checking its magic number, size and checksum.
func ReadCache(path string) (*Dataset, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	bad := func(what string) error { return fmt.Errorf("datasets: cache %s: %s", path, what) }
	if len(b) < 13 || string(b[:4]) != cacheMagic {
		return nil, bad("wrong magic number (not a diffregimes dataset cache)")
	}
	body, sum := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, bad("checksum mismatch (truncated or corrupted)")
	}
	r := bytes.NewReader(body[4:])
	var hdr struct {
		Version    uint32
		Enc        uint8
		N, H, W, C uint32
	}
	if err := binary.Read(r, binary.LittleEndian, &hdr); err != nil {
		return nil, bad("truncated header")
	}
	if hdr.Version != cacheVersion {
		return nil, bad(fmt.Sprintf("version %d, want %d", hdr.Version, cacheVersion))
	}
	str := func() (string, error) {
		var l uint32
		if err := binary.Read(r, binary.LittleEndian, &l); err != nil || int(l) > r.Len() {
			return "", bad("truncated string")
		}
		s := make([]byte, l)
		io.ReadFull(r, s)
		return string(s), nil
	}
	ds := &Dataset{N: int(hdr.N), H: int(hdr.H), W: int(hdr.W), C: int(hdr.C)}
	if ds.Name, err = str(); err != nil {
		return nil, err
	}
	var nc uint32
	if err := binary.Read(r, binary.LittleEndian, &nc); err != nil || int(nc) > r.Len() {
		return nil, bad("truncated class list")
	}
	for i := 0; i < int(nc); i++ {
		s, err := str()
		if err != nil {
			return nil, err
		}
		ds.ClassNames = append(ds.ClassNames, s)
	}
	hasMean, err := r.ReadByte()
	if err != nil {
		return nil, bad("truncated")
	}
	if hasMean == 1 {
		if 4*ds.C > r.Len() { // checked before allocating: C comes from the file
			return nil, bad("truncated means")
		}
		ds.Mean = make([]float32, ds.C)
		if err := binary.Read(r, binary.LittleEndian, ds.Mean); err != nil {
			return nil, bad("truncated means")
		}
	}
	size := 1
	for _, v := range []int{ds.N, ds.H, ds.W, ds.C} { // overflow-safe: each factor is < 2^32
		if v != 0 && size > r.Len()/v {
			return nil, bad(fmt.Sprintf("shape %dx%dx%dx%d larger than the file", ds.N, ds.H, ds.W, ds.C))
		}
		size *= v
	}
	width := int(hdr.Enc)
	if width != encU8 && width != encF32 {
		return nil, bad(fmt.Sprintf("unknown pixel encoding %d", hdr.Enc))
	}
	if r.Len() != 4*ds.N+width*size {
		return nil, bad(fmt.Sprintf("%d payload bytes, header says %d", r.Len(), 4*ds.N+width*size))
	}
	lab := make([]int32, ds.N)
	binary.Read(r, binary.LittleEndian, lab)
	ds.Labels = make([]int, ds.N)
	for i, l := range lab {
		ds.Labels[i] = int(l)
	}
	if width == encU8 {
		px := make([]byte, size)
		io.ReadFull(r, px)
		ds.X = bytesToUnit(px)
		if ds.Mean != nil {
			for i := range ds.X {
				ds.X[i] -= ds.Mean[i%ds.C]
			}
		}
	} else {
		ds.X = make([]float32, size)
		binary.Read(r, binary.LittleEndian, ds.X)
	}
	return ds, ds.Check()
}

// EnvCache names the environment variable that overrides the cache directory.
const EnvCache = "DIFFREGIMES_CACHE"

// CacheDir is $DIFFREGIMES_CACHE, else $HOME/.cache/diffregimes/cache.
func CacheDir() string {
	if v := os.Getenv(EnvCache); v != "" {
		return v
	}
	h, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "diffregimes-cache")
	}
	return filepath.Join(h, ".cache", "diffregimes", "cache")
}

// cacheName turns a key into a safe file name.
func cacheName(key string) string {
	r := strings.NewReplacer("/", "_", " ", "_", "[", "_", "]", "_", ",", "-", ":", "_")
	return r.Replace(key) + ".drds"
}
