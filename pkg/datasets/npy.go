package datasets

import (
	"archive/zip"
	"encoding/binary"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// npyArray is a parsed .npy array: integer data widened to int64, its shape.
type npyArray struct {
	shape []int
	u8    []byte  // set for dtype |u1
	ints  []int64 // set for integer dtypes other than |u1
}

var (
	npyDescr = regexp.MustCompile(`'descr'\s*:\s*'([^']*)'`)
	npyOrder = regexp.MustCompile(`'fortran_order'\s*:\s*(True|False)`)
	npyShape = regexp.MustCompile(`'shape'\s*:\s*\(([^)]*)\)`)
)

// readNpy parses a NumPy .npy stream (format versions 1-3) of unsigned bytes or little-endian
// integers in C order: what the downsampled-ImageNet npz batches hold.
func readNpy(r io.Reader, name string) (*npyArray, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: read: %w", name, err)
	}
	if len(b) < 10 || string(b[:6]) != "\x93NUMPY" {
		return nil, fmt.Errorf("%s: not a .npy array (bad magic)", name)
	}
	var hlen, off int
	switch b[6] {
	case 1:
		hlen, off = int(binary.LittleEndian.Uint16(b[8:])), 10
	case 2, 3:
		if len(b) < 12 {
			return nil, fmt.Errorf("%s: truncated .npy header", name)
		}
		hlen, off = int(binary.LittleEndian.Uint32(b[8:])), 12
	default:
		return nil, fmt.Errorf("%s: unsupported .npy version %d", name, b[6])
	}
	if len(b) < off+hlen {
		return nil, fmt.Errorf("%s: truncated .npy header", name)
	}
	h := string(b[off : off+hlen])
	data := b[off+hlen:]
	d, o, s := npyDescr.FindStringSubmatch(h), npyOrder.FindStringSubmatch(h), npyShape.FindStringSubmatch(h)
	if d == nil || o == nil || s == nil {
		return nil, fmt.Errorf("%s: unparsable .npy header %q", name, h)
	}
	if o[1] == "True" {
		return nil, fmt.Errorf("%s: Fortran-order .npy arrays are not supported", name)
	}
	a := &npyArray{}
	size := 1
	for _, f := range strings.Split(s[1], ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		v, err := strconv.Atoi(strings.TrimSuffix(f, "L"))
		if err != nil || v < 0 {
			return nil, fmt.Errorf("%s: bad .npy shape %q", name, s[1])
		}
		a.shape = append(a.shape, v)
		if v != 0 && size > len(data)/v { // more values than bytes: also keeps size*v from overflowing
			return nil, fmt.Errorf("%s: truncated .npy data: shape (%s) needs more values than its %d bytes", name, s[1], len(data))
		}
		size *= v
	}
	width := map[string]int{"|u1": 1, "u1": 1, "|i1": 1, "<i2": 2, "<u2": 2, "<i4": 4, "<u4": 4, "<i8": 8, "<u8": 8}[d[1]]
	if width == 0 {
		return nil, fmt.Errorf("%s: unsupported .npy dtype %q (want unsigned bytes or little-endian integers)", name, d[1])
	}
	if len(data) != size*width {
		return nil, fmt.Errorf("%s: truncated .npy data: %d bytes, shape %v of %s needs %d", name, len(data), a.shape, d[1], size*width)
	}
	if width == 1 && strings.HasSuffix(d[1], "u1") {
		a.u8 = data
		return a, nil
	}
	a.ints = make([]int64, size)
	for i := range a.ints {
		p := data[i*width:]
		switch d[1] {
		case "|i1":
			a.ints[i] = int64(int8(p[0]))
		case "<i2":
			a.ints[i] = int64(int16(binary.LittleEndian.Uint16(p)))
		case "<u2":
			a.ints[i] = int64(binary.LittleEndian.Uint16(p))
		case "<i4":
			a.ints[i] = int64(int32(binary.LittleEndian.Uint32(p)))
		case "<u4":
			a.ints[i] = int64(binary.LittleEndian.Uint32(p))
		default:
			a.ints[i] = int64(binary.LittleEndian.Uint64(p))
		}
	}
	return a, nil
}

// readNpz returns the named arrays of a .npz archive (stored or deflated zip of .npy files).
func readNpz(path string, names ...string) (map[string]*npyArray, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("datasets: %s: not a readable npz archive: %w", path, err)
	}
	defer zr.Close()
	out := map[string]*npyArray{}
	for _, f := range zr.File {
		key := strings.TrimSuffix(f.Name, ".npy")
		for _, n := range names {
			if key != n {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				return nil, fmt.Errorf("datasets: %s: %s: %w", path, f.Name, err)
			}
			a, err := readNpy(rc, f.Name)
			rc.Close()
			if err != nil {
				return nil, fmt.Errorf("datasets: %s: %w", path, err)
			}
			out[n] = a
		}
	}
	for _, n := range names {
		if out[n] == nil {
			return nil, fmt.Errorf("datasets: %s: npz archive has no array %q", path, n)
		}
	}
	return out, nil
}
