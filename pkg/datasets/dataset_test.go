package datasets

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
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
	path := filepath.Join(cache, cacheName(s.Key()))
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no cache written: %v", err)
	}
	// With the source gone, Load must come from the cache, identical.
	os.RemoveAll(filepath.Join(root, "mnist"))
	b, err := Load(s)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatal("cached dataset differs")
	}
	// A corrupted cache is rebuilt from source, which is now missing: the error names the path.
	os.WriteFile(path, []byte("DRDS broken"), 0o644)
	_, err = Load(s)
	wantErr(t, err, "mnist not found", root)
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("corrupt cache not removed")
	}
	_, err = Load(Spec{Name: "mnist2", Classes: []string{"1"}})
	wantErr(t, err, "unknown dataset name")
	_, err = Load(Spec{Name: FashionMNISTName, Classes: []string{"Jacket"}})
	wantErr(t, err, "unknown class \"Jacket\"")
}

func TestTable1Rows(t *testing.T) {
	for _, r := range Table1() {
		if r.Lambda > 0 && math.Abs(0.5*math.Log(r.Lambda)-r.TS) > 0.006 {
			t.Errorf("%s: t_S=%v but 1/2 log Λ = %v", r.Label, r.TS, 0.5*math.Log(r.Lambda))
		}
		ok, looked := r.Available()
		if len(looked) == 0 || (!ok && len(looked) != len(Roots())) {
			t.Errorf("%s: looked in %v", r.Label, looked)
		}
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
