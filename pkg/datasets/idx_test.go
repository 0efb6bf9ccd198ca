package datasets

import (
	"os"
	"path/filepath"
	"testing"
)

func TestIDXRoundTrip(t *testing.T) {
	for _, gz := range []bool{false, true} {
		dir := t.TempDir()
		ip, lp, pix, labels := writeIDX(t, dir, 12, 5, 4, 3, gz)
		ds, err := LoadIDX("toy", ip, lp, 3)
		if err != nil {
			t.Fatal(err)
		}
		if ds.N != 12 || ds.H != 5 || ds.W != 4 || ds.C != 1 || ds.Check() != nil {
			t.Fatalf("gz=%v: shape %d %d %d %d", gz, ds.N, ds.H, ds.W, ds.C)
		}
		for i, b := range pix {
			if ds.X[i] != float32(b)/255 {
				t.Fatalf("gz=%v: pixel %d = %v, want %v", gz, i, ds.X[i], float32(b)/255)
			}
		}
		for i, l := range labels {
			if ds.Labels[i] != int(l) {
				t.Fatalf("label %d", i)
			}
		}
	}
}

func TestIDXBadInput(t *testing.T) {
	dir := t.TempDir()
	ip, lp, _, _ := writeIDX(t, dir, 6, 3, 3, 2, false)
	raw, _ := os.ReadFile(ip)

	_, err := LoadIDX("x", filepath.Join(dir, "nope"), lp, 2)
	wantErr(t, err, "nope", "no such file")

	bad := filepath.Join(dir, "badmagic")
	b := append([]byte(nil), raw...)
	b[3] = 0x01
	writeFile(t, bad, b, false)
	_, _, _, _, err = ReadIDXImages(bad)
	wantErr(t, err, "badmagic", "wrong magic")

	trunc := filepath.Join(dir, "trunc.gz")
	writeFile(t, trunc, raw[:len(raw)-5], true)
	_, _, _, _, err = ReadIDXImages(trunc)
	wantErr(t, err, "trunc.gz", "truncated")

	short := filepath.Join(dir, "short")
	writeFile(t, short, raw[:10], false)
	_, _, _, _, err = ReadIDXImages(short)
	wantErr(t, err, "short", "truncated")

	_, err = LoadIDX("x", ip, lp, 1) // labels 0,1 with one class
	wantErr(t, err, lp, "label 1", "out of range")

	_, err = ReadIDXLabels(ip) // an image file is not a label file
	wantErr(t, err, ip, "wrong magic")

	// Labels and images of different lengths.
	dir2 := t.TempDir()
	_, lp2, _, _ := writeIDX(t, dir2, 5, 3, 3, 2, false)
	_, err = LoadIDX("x", ip, lp2, 2)
	wantErr(t, err, "5 labels", "6 images")

	notgz := filepath.Join(dir, "corrupt.gz")
	writeFile(t, notgz, []byte{0x1f, 0x8b, 1, 2, 3}, false)
	_, _, _, _, err = ReadIDXImages(notgz)
	wantErr(t, err, "corrupt.gz")
}

// TestFashionMNISTInstalled checks the Debian-installed Fashion-MNIST when present.
func TestFashionMNISTInstalled(t *testing.T) {
	if _, err := os.Stat("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"); err != nil {
		t.Skip("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)")
	}
	t.Setenv(EnvData, "/usr/share/datasets")
	ds, err := FashionMNIST(Test)
	if err != nil {
		t.Fatal(err)
	}
	if ds.N != 10000 || ds.H != 28 || ds.W != 28 || ds.C != 1 {
		t.Fatalf("test split shape %d×%d×%d×%d", ds.N, ds.H, ds.W, ds.C)
	}
	for c, k := range ds.ClassCounts() {
		if k != 1000 {
			t.Fatalf("class %d has %d test images, want 1000", c, k)
		}
	}
	var lo, hi float32 = 1, 0
	for _, v := range ds.X {
		lo, hi = min(lo, v), max(hi, v)
	}
	if lo != 0 || hi != 1 {
		t.Fatalf("pixel range [%v, %v], want [0, 1]", lo, hi)
	}
	t.Setenv(EnvCache, t.TempDir())
	pair, err := Load(Spec{Name: FashionMNISTName, Classes: []string{"Trouser", "bag"}, N: 400, Seed: 3, Split: Test})
	if err != nil {
		t.Fatal(err)
	}
	if pair.N != 400 || pair.H != 32 || pair.W != 32 || pair.Mean == nil || pair.ClassNames[0] != "Trouser" || pair.ClassNames[1] != "Bag" {
		t.Fatalf("pair: n=%d %dx%d mean=%v classes=%v", pair.N, pair.H, pair.W, pair.Mean, pair.ClassNames)
	}
	if cc := pair.ClassCounts(); cc[0] != 200 || cc[1] != 200 {
		t.Fatalf("unbalanced: %v", cc)
	}
	// Padding is black: the border of the uncentred image is 0.
	img, _ := pair.Image(0)
	if img[0] != 0 || img[31] != 0 || img[32*32-1] != 0 {
		t.Fatalf("padding not zero: %v %v %v", img[0], img[31], img[32*32-1])
	}
	_, err = Load(Spec{Name: FashionMNISTName, Classes: []string{"1", "8"}, N: 2002, Split: Test, NoCache: true})
	wantErr(t, err, "class 1 (Trouser) has 1000 images, fewer than the 1001 asked")
}
