package datasets

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// toy returns n images h×w×c with pixel values k/255 and labels i mod classes.
func toy(n, h, w, c, classes int) *Dataset {
	ds := &Dataset{Name: "toy", N: n, H: h, W: w, C: c, X: make([]float32, n*h*w*c), Labels: make([]int, n)}
	for i := range ds.X {
		ds.X[i] = float32((i*37+i/(h*w*c))%256) / 255
	}
	for i := range ds.Labels {
		ds.Labels[i] = i % classes
	}
	return ds
}

func TestSelectBalancedSeeded(t *testing.T) {
	ds := toy(100, 2, 2, 1, 4) // 25 per class
	a, err := ds.Select([]int{3, 1}, 20, 7)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := ds.Select([]int{3, 1}, 20, 7)
	c, _ := ds.Select([]int{3, 1}, 20, 8)
	if !reflect.DeepEqual(a.X, b.X) {
		t.Fatal("same seed gave different selections")
	}
	if reflect.DeepEqual(a.X, c.X) {
		t.Fatal("different seeds gave the same selection")
	}
	if cc := a.ClassCounts(); cc[0] != 10 || cc[1] != 10 || a.N != 20 {
		t.Fatalf("counts %v", cc)
	}
	// Every selected image is an original image of the right class.
	for i := 0; i < a.N; i++ {
		want := []int{3, 1}[a.Labels[i]]
		found := false
		for j := 0; j < ds.N; j++ {
			if ds.Labels[j] == want && reflect.DeepEqual(ds.Row(j), a.Row(i)) {
				found = true
			}
		}
		if !found {
			t.Fatalf("selected image %d is not an image of class %d", i, want)
		}
	}
	all, _ := ds.Select([]int{0, 2}, 0, 1)
	if all.N != 50 {
		t.Fatalf("n=0 took %d images, want 50", all.N)
	}
	_, err = ds.Select([]int{0, 1}, 52, 1)
	wantErr(t, err, "class 0", "25 images, fewer than the 26 asked")
	_, err = ds.Select([]int{0, 1}, 5, 1)
	wantErr(t, err, "multiple")
	_, err = ds.Select([]int{0, 0}, 4, 1)
	wantErr(t, err, "twice")
}

func TestPadCenter(t *testing.T) {
	ds := toy(3, 28, 28, 1, 2)
	p, err := ds.Pad(32)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		for y := 0; y < 32; y++ {
			for x := 0; x < 32; x++ {
				got := p.Row(i)[y*32+x]
				var want float32
				if y >= 2 && y < 30 && x >= 2 && x < 30 {
					want = ds.Row(i)[(y-2)*28+x-2]
				}
				if got != want {
					t.Fatalf("image %d (%d,%d) = %v, want %v", i, y, x, got, want)
				}
			}
		}
	}
	// Centring: zero channel means, Uncentered restores, Pad∘Center = Center∘Pad.
	rgb := toy(5, 4, 4, 3, 2)
	cen := rgb.Center()
	for c := 0; c < 3; c++ {
		var s float64
		for p := c; p < len(cen.X); p += 3 {
			s += float64(cen.X[p])
		}
		if math.Abs(s/float64(5*16)) > 1e-6 {
			t.Fatalf("channel %d mean %v after centring", c, s/80)
		}
	}
	back := cen.Uncentered()
	for i, v := range back.X {
		if math.Abs(float64(v-rgb.X[i])) > 1e-6 {
			t.Fatalf("Uncentered differs at %d", i)
		}
	}
	pc, _ := rgb.Center().Pad(6)
	cp := func() *Dataset { q, _ := rgb.Pad(6); return q.Center() }()
	for i := range pc.X {
		if math.Abs(float64(pc.X[i]-cp.X[i])) > 1e-6 {
			t.Fatalf("Pad(Center) != Center(Pad) at %d", i)
		}
	}
	_, err = ds.Pad(31)
	wantErr(t, err, "cannot pad 28x28")
	if _, err := ds.Channel(1); err == nil {
		t.Fatal("channel 1 of a one-channel dataset")
	}
	ch, _ := rgb.Channel(2)
	if ch[5] != rgb.X[5*3+2] {
		t.Fatal("Channel picks the wrong values")
	}
}

func TestTensors(t *testing.T) {
	ds := toy(4, 3, 2, 3, 2).Center()
	tt := ds.Tensor()
	if got := tt.Shape().Dimensions; !reflect.DeepEqual(got, []int{4, 3, 2, 3}) {
		t.Fatalf("tensor dims %v", got)
	}
	ft := ds.FlatTensor()
	if got := ft.Shape().Dimensions; !reflect.DeepEqual(got, []int{4, 18}) {
		t.Fatalf("flat dims %v", got)
	}
	flat := make([]float32, 0)
	ft.ConstFlatData(func(v any) { flat = append(flat, v.([]float32)...) })
	if !reflect.DeepEqual(flat, ds.X) {
		t.Fatal("tensor data differs from X")
	}
	lt := ds.LabelsTensor()
	var labels []int32
	lt.ConstFlatData(func(v any) { labels = append(labels, v.([]int32)...) })
	if !reflect.DeepEqual(lt.Shape().Dimensions, []int{4}) || labels[1] != int32(ds.Labels[1]) || labels[1] != 1 {
		t.Fatalf("labels tensor %v %v", lt.Shape(), labels)
	}
	f64 := ds.Float64()
	if f64[7] != float64(ds.X[7]) {
		t.Fatal("Float64 differs")
	}
}

func TestCacheRoundTripAndCorruption(t *testing.T) {
	dir := t.TempDir()
	raw := toy(6, 4, 4, 3, 2)
	raw.ClassNames = []string{"a", "b"}
	// Non-8-bit values (as from LSUN resizing) are stored as float32, exactly.
	odd := raw.Clone()
	odd.X[5] = 0.123456789
	oddPath := filepath.Join(dir, "odd.drds")
	if err := odd.Save(oddPath); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadCache(oddPath); err != nil || !reflect.DeepEqual(got, odd) {
		t.Fatalf("float32 round trip: %v", err)
	}
	if st, _ := os.Stat(oddPath); st.Size() < 4*int64(len(odd.X)) {
		t.Fatal("non-8-bit data stored in fewer than 4 bytes per pixel")
	}
	for _, ds := range []*Dataset{raw, raw.Center()} {
		path := filepath.Join(dir, fmt.Sprintf("c%v.drds", ds.Mean != nil))
		if err := ds.Save(path); err != nil {
			t.Fatal(err)
		}
		got, err := ReadCache(path)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, ds) {
			t.Fatalf("round trip differs (centred=%v)", ds.Mean != nil)
		}
		if st, _ := os.Stat(path); st.Size() > int64(len(ds.X))+200 {
			t.Fatalf("cache of %d 8-bit pixels takes %d bytes (centred=%v)", len(ds.X), st.Size(), ds.Mean != nil)
		}
		b, _ := os.ReadFile(path)
		os.WriteFile(path, b[:len(b)-9], 0o644)
		_, err = ReadCache(path)
		wantErr(t, err, path, "checksum")
		b[40] ^= 0xff
		os.WriteFile(path, b, 0o644)
		_, err = ReadCache(path)
		wantErr(t, err, path, "checksum")
		os.WriteFile(path, []byte("hello world, not a cache"), 0o644)
		_, err = ReadCache(path)
		wantErr(t, err, path, "magic")
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if filepath.Ext(e.Name()) != ".drds" {
			t.Fatalf("left-over file %s", e.Name())
		}
	}
	// Save into an unwritable place fails cleanly.
	blocker := filepath.Join(dir, "file")
	os.WriteFile(blocker, nil, 0o644)
	if err := raw.Save(filepath.Join(blocker, "x.drds")); err == nil {
		t.Fatal("saving under a regular file succeeded")
	}
}

func TestLoadUsesCache(t *testing.T) {
	root, cache := t.TempDir(), t.TempDir()
	writeIDX(t, filepath.Join(root, "mnist"), 40, 28, 28, 10, true)
	t.Setenv(EnvData, root)
	t.Setenv("HOME", t.TempDir())
	t.Setenv(EnvCache, cache)
	s := Spec{Name: MNISTName, Classes: []string{"1", "8"}, N: 6, Seed: 2}
	a, err := Load(s)
	if err != nil {
		t.Fatal(err)
	}
	path, err := CachePath(s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no cache written: %v", err)
	}
	// The second Load comes from the cache: a marker set saved under its name comes back.
	marker := toy(2, 32, 32, 1, 2)
	if err := marker.Save(path); err != nil {
		t.Fatal(err)
	}
	if b, err := Load(s); err != nil || b.Name != "toy" || b.N != 2 {
		t.Fatalf("second Load did not read the cache: %v", err)
	}
	// A corrupted cache is rebuilt from source and replaced.
	os.WriteFile(path, []byte("DRDS broken"), 0o644)
	c, err := Load(s)
	if err != nil || !reflect.DeepEqual(a, c) {
		t.Fatalf("rebuild after corrupt cache: %v", err)
	}
	if _, err := ReadCache(path); err != nil {
		t.Fatalf("corrupt cache not replaced: %v", err)
	}
	// With the source gone, the old cache is not trusted: the error names the paths and how to
	// provide the data.
	os.RemoveAll(filepath.Join(root, "mnist"))
	_, err = Load(s)
	wantErr(t, err, "mnist not found", root, "to provide it")
	_, err = Load(Spec{Name: "mnist2", Classes: []string{"1"}})
	wantErr(t, err, "unknown dataset name", MNISTNPMName)
	_, err = Load(Spec{Name: FashionMNISTName, Classes: []string{"Jacket"}, Root: "/usr/share/datasets"})
	if ok, _ := (Spec{Name: FashionMNISTName, Root: "/usr/share/datasets"}).Available(); ok {
		wantErr(t, err, "unknown class \"Jacket\"")
	}
}

// TestCacheKeyedBySource is issue #15 row 4: data from another root, or source files replaced
// in place, never come back from a cached set.
func TestCacheKeyedBySource(t *testing.T) {
	r1, r2, cache := t.TempDir(), t.TempDir(), t.TempDir()
	t.Setenv("HOME", t.TempDir())
	t.Setenv(EnvCache, cache)
	t.Setenv(EnvData, "")
	writeIDX(t, filepath.Join(r1, "mnist"), 40, 28, 28, 10, false)
	s := Spec{Name: MNISTName, Classes: []string{"1", "8"}, N: 4, Seed: 2, Root: r1}
	if _, err := Load(s); err != nil {
		t.Fatal(err)
	}
	// Garbage IDX files under another root: an error naming them, not the cached set.
	writeFile(t, filepath.Join(r2, "mnist", "train-images-idx3-ubyte"), []byte("garbage garbage"), false)
	writeFile(t, filepath.Join(r2, "mnist", "train-labels-idx1-ubyte"), []byte("garbage"), false)
	s2 := s
	s2.Root = r2
	_, err := Load(s2)
	wantErr(t, err, filepath.Join(r2, "mnist"))
	// The same garbage written in place of the first root's files.
	p1, _ := CachePath(s)
	time.Sleep(10 * time.Millisecond)
	writeFile(t, filepath.Join(r1, "mnist", "train-images-idx3-ubyte"), []byte("garbage garbage"), false)
	if p2, _ := CachePath(s); p2 == p1 {
		t.Fatal("cache key unchanged after the source file was replaced")
	}
	_, err = Load(s)
	wantErr(t, err, filepath.Join(r1, "mnist", "train-images-idx3-ubyte"))
	// Spec.Root is the only root searched: an empty root is an error, not a fallback to
	// $DIFFREGIMES_DATA (issue #15 row 3).
	t.Setenv(EnvData, r1)
	empty := t.TempDir()
	s3 := s
	s3.Root = empty
	_, err = Load(s3)
	wantErr(t, err, "mnist not found", filepath.Join(empty, "mnist"))
	if strings.Contains(err.Error(), r1) {
		t.Fatalf("Root %s fell back to %s: %v", empty, r1, err)
	}
}

func Example() {
	// A 2-image, 28×28 one-channel set, padded to 32×32 and centred as SI D.2 prescribes.
	ds := &Dataset{Name: "demo", N: 2, H: 28, W: 28, C: 1, X: make([]float32, 2*28*28), Labels: []int{0, 1}}
	for i := range ds.X[:28*28] {
		ds.X[i] = 1 // image 0 all white, image 1 all black
	}
	p, _ := ds.Pad(32)
	p.CenterInPlace()
	fmt.Printf("shape [%d %d %d %d], d=%d\n", p.N, p.H, p.W, p.C, p.D())
	fmt.Printf("channel mean removed: %.4f\n", p.Mean[0])
	fmt.Println("tensor:", p.Tensor().Shape())
	// Output:
	// shape [2 32 32 1], d=1024
	// channel mean removed: 0.3828
	// tensor: (Float32)[2, 32, 32, 1]
}
