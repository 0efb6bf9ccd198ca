package classifier

import (
	"testing"
	"time"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/datasets"
)

// TestTrainPairAccuracyAndReload trains the default-pair classifier (1000 images, 80 steps) and
// checks the bar, >= 95% test accuracy on Fashion-MNIST trouser vs bag; a second
// CachedIn call reloads the saved checkpoint (no training) with identical logits.
func TestTrainPairAccuracyAndReload(t *testing.T) {
	if ok, _ := datasets.DefaultSpec().Available(); !ok {
		t.Skip("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)")
	}
	b := backend.MustDefault()
	root := t.TempDir()
	o := DefaultPairOptions(1000, 80)
	start := time.Now()
	c, err := CachedIn(b, root, o)
	if err != nil {
		t.Fatal(err)
	}
	np, _ := c.NumParams()
	t.Logf("params=%d, test accuracy %.4f after %d steps in %v", np, c.TestAccuracy, c.Steps, time.Since(start))
	if c.TestAccuracy < 0.95 {
		t.Fatalf("test accuracy %.4f < 0.95", c.TestAccuracy)
	}
	r, err := CachedIn(b, root, o)
	if err != nil {
		t.Fatal(err)
	}
	if r.Steps != 80 || r.TestAccuracy != c.TestAccuracy || len(r.Losses) != 80 {
		t.Fatalf("reloaded classifier differs: steps %d, accuracy %g vs %g", r.Steps, r.TestAccuracy, c.TestAccuracy)
	}
	ds, err := datasets.FashionMNISTPair(1000, 1)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := c.Logits(ds.X[:8*ds.D()])
	z, _ := r.Logits(ds.X[:8*ds.D()])
	for i := range a {
		if a[i] != z[i] {
			t.Fatalf("logit %d: trained %g, reloaded %g", i, a[i], z[i])
		}
	}
}
