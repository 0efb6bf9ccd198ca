package classifier

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/gomlx/gomlx/core/tensors"
)

func randomImages(n, h, w, c int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 7))
	x := make([]float32, n*h*w*c)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	return x
}

func varData(t *testing.T, c *Classifier, path string) []float32 {
	t.Helper()
	v := c.Store().GetVariable(path)
	if v == nil {
		t.Fatalf("variable %s missing", path)
	}
	d, err := tensors.CopyFlatData[float32](v.MustValue())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestLogitsMatchPlainGo checks the graph (the U-Net's stride-2 "same" conv, ReLU, average
// pool, dense head) against a direct float64 loop over the same weights.
func TestLogitsMatchPlainGo(t *testing.T) {
	cfg := Config{Height: 7, Width: 6, Channels: 2, Classes: 3, Base: 4, Stages: 1, Blocks: 0, Seed: 3}
	c, err := New(backend.MustDefault(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	n := 3
	x := randomImages(n, cfg.Height, cfg.Width, cfg.Channels, 1)
	got, err := c.Logits(x)
	if err != nil {
		t.Fatal(err)
	}
	w := varData(t, c, "/classifier/stem/weights") // [3, 3, cin, cout]
	bias := varData(t, c, "/classifier/stem/biases")
	hw := varData(t, c, "/classifier/head/weights")
	hb := varData(t, c, "/classifier/head/biases")
	H, W, C, K := cfg.Height, cfg.Width, cfg.Channels, cfg.Base
	oh, ow := (H+1)/2, (W+1)/2
	// PyTorch's padding = 1 on the low side (unet.Conv2D); the high side gets what the last
	// window needs.
	padT, padL := 1, 1
	for i := range n {
		pooled := make([]float64, K)
		for oy := range oh {
			for ox := range ow {
				for k := range K {
					s := float64(bias[k])
					for dy := range 3 {
						for dx := range 3 {
							y, xx := oy*2+dy-padT, ox*2+dx-padL
							if y < 0 || y >= H || xx < 0 || xx >= W {
								continue
							}
							for ci := range C {
								s += float64(x[((i*H+y)*W+xx)*C+ci]) * float64(w[((dy*3+dx)*C+ci)*K+k])
							}
						}
					}
					pooled[k] += math.Max(s, 0) / float64(oh*ow)
				}
			}
		}
		for j := range cfg.Classes {
			want := float64(hb[j])
			for k := range K {
				want += pooled[k] * float64(hw[k*cfg.Classes+j])
			}
			if g := float64(got[i*cfg.Classes+j]); math.Abs(g-want) > 1e-4*(1+math.Abs(want)) {
				t.Errorf("image %d class %d: graph %g, plain Go %g", i, j, g, want)
			}
		}
	}
}

// TestCrossEntropyMatchesPlainGo compares the graph loss with a float64 log-sum-exp, on
// logits large enough that a naive exp would overflow float32.
func TestCrossEntropyMatchesPlainGo(t *testing.T) {
	logits := []float32{200, -3, 0.5, 1, 2, 3, -100, 50, 49}
	labels := []int32{1, 2, 0}
	got := mustGraph2(t, logits, labels)
	var want float64
	for i := range 3 {
		row := logits[i*3 : i*3+3]
		m := math.Inf(-1)
		for _, v := range row {
			m = math.Max(m, float64(v))
		}
		s := 0.0
		for _, v := range row {
			s += math.Exp(float64(v) - m)
		}
		want += (m + math.Log(s) - float64(row[labels[i]])) / 3
	}
	if math.IsNaN(got) || math.Abs(got-want) > 1e-4*want {
		t.Fatalf("cross-entropy: graph %g, plain Go %g", got, want)
	}
}

// TestSaveLoadRoundTrip trains briefly on synthetic classes, saves, reloads and checks that
// the reloaded network gives identical logits and metadata, that a second Save replaces
// the first atomically (no temporary directories left) and that Load reports a missing dir.
func TestSaveLoadRoundTrip(t *testing.T) {
	b := backend.MustDefault()
	cfg := DefaultConfig(8, 8, 1, 2)
	c, err := New(b, cfg)
	if err != nil {
		t.Fatal(err)
	}
	x, labels := brightDark(64, 8, 2)
	if _, err := c.Train(x, labels, TrainOptions{Steps: 5, BatchSize: 16, LearningRate: 1e-2, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	c.ClassNames, c.Mean, c.TestAccuracy = []string{"dark", "bright"}, []float32{0.25}, 0.5
	root := t.TempDir()
	dir := filepath.Join(root, "ckpt")
	if err := c.Save(dir); err != nil {
		t.Fatal(err)
	}
	want, _ := c.Logits(x)
	// Train more and save again over the first checkpoint.
	if _, err := c.Train(x, labels, TrainOptions{Steps: 3, BatchSize: 16, LearningRate: 1e-2, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	want2, _ := c.Logits(x)
	if err := c.Save(dir); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != 1 || entries[0].Name() != "ckpt" {
		names := []string{}
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("after two saves the parent holds %v, want only ckpt", names)
	}
	r, err := Load(b, dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Logits(x)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		if got[i] != want2[i] {
			t.Fatalf("logit %d: reloaded %g, saved %g", i, got[i], want2[i])
		}
	}
	if want[0] == want2[0] {
		t.Fatalf("second training changed nothing: test cannot tell the checkpoints apart")
	}
	if r.Steps != 8 || r.TestAccuracy != 0.5 || r.ClassNames[1] != "bright" || r.Mean[0] != 0.25 || r.Config != cfg || len(r.Losses) != 8 || r.Losses[7] != c.Losses[7] {
		t.Fatalf("metadata not restored: %+v", r)
	}
	if _, err := Load(b, filepath.Join(root, "missing")); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("Load of a missing dir: err = %v", err)
	}
}

// brightDark makes n images of two classes that differ only in mean brightness.
func brightDark(n, size int, seed uint64) ([]float32, []int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := make([]float32, n*size*size)
	labels := make([]int, n)
	for i := range n {
		labels[i] = i % 2
		for p := range size * size {
			x[i*size*size+p] = float32(0.3*rng.NormFloat64() + 0.5*float64(2*labels[i]-1))
		}
	}
	return x, labels
}

// TestDeterministicAndBadInput: same seed, same weights and losses; errors name the argument.
func TestDeterministicAndBadInput(t *testing.T) {
	b := backend.MustDefault()
	x, labels := brightDark(32, 8, 3)
	run := func() []float64 {
		c, err := New(b, DefaultConfig(8, 8, 1, 2))
		if err != nil {
			t.Fatal(err)
		}
		l, err := c.Train(x, labels, TrainOptions{Steps: 3, BatchSize: 8, LearningRate: 1e-2, Seed: 5})
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	a, bb := run(), run()
	for i := range a {
		if a[i] != bb[i] {
			t.Fatalf("step %d: losses %g and %g differ for the same seeds", i, a[i], bb[i])
		}
	}
	c, _ := New(b, DefaultConfig(8, 8, 1, 2))
	for _, tc := range []struct {
		err  error
		want string
	}{
		{func() error { _, err := c.Logits(make([]float32, 65)); return err }(), "x has 65 values"},
		{func() error { _, err := c.Accuracy(x, labels[:3]); return err }(), "len(labels)"},
		{func() error { _, err := c.Accuracy(x, append([]int{5}, labels[1:]...)); return err }(), "labels[0] = 5"},
		{func() error {
			_, err := c.Train(x, labels, TrainOptions{Steps: 0, BatchSize: 1, LearningRate: 1})
			return err
		}(), "Steps"},
		{func() error { _, err := c.Logits([]float32{float32(math.NaN())}); return err }(), "x has 1 values"},
		{func() error {
			_, err := New(b, Config{Height: 8, Width: 8, Channels: 1, Classes: 1, Base: 1, Stages: 1})
			return err
		}(), "Classes"},
		{func() error { _, err := New(nil, DefaultConfig(8, 8, 1, 2)); return err }(), "backend"},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("got error %v, want one mentioning %q", tc.err, tc.want)
		}
	}
	nan := make([]float32, 64)
	nan[3] = float32(math.Inf(1))
	if _, err := c.Logits(nan); err == nil || !strings.Contains(err.Error(), "x[3]") {
		t.Errorf("non-finite input: err = %v", err)
	}
}

// TestConcurrentSaves: writers racing on one checkpoint directory leave a complete, loadable
// checkpoint and no temporary directories.
func TestConcurrentSaves(t *testing.T) {
	b := backend.MustDefault()
	c, err := New(b, DefaultConfig(8, 8, 1, 2))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.ensureBuilt(); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	dir := filepath.Join(root, "ckpt")
	errs := make(chan error, 8)
	for range 4 {
		go func() {
			for range 2 {
				errs <- c.Save(dir)
			}
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if _, err := Load(b, dir); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 1 {
		t.Fatalf("%d entries left in the parent directory, want 1", len(entries))
	}
}
