package unet

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	. "github.com/gomlx/gomlx/core/graph"
)

// perturb adds N(0, 0.1²) to every parameter (the zero-initialised layers too, so that every
// path of the net contributes to the output).
func perturb(t testing.TB, store *model.Store, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 3))
	for v := range store.IterVariables() {
		val, err := v.Value()
		if err != nil {
			t.Fatal(err)
		}
		data := tensors.MustCopyFlatData[float32](val)
		for i := range data {
			data[i] += float32(0.1 * rng.NormFloat64())
		}
		if err := v.SetValue(tensors.FromFlatDataAndDimensions(data, val.Shape().Dimensions...)); err != nil {
			t.Fatal(err)
		}
	}
}

// TestHostMatchesGraph checks the host forward pass against the gomlx graph of Eps on the
// same perturbed parameters: Tiny, and a variant with two residual blocks, attention at the
// finest and coarsest levels and three channels, at batch sizes that split into chunks.
func TestHostMatchesGraph(t *testing.T) {
	be := testBackend()
	for _, cfg := range []Config{Tiny(16, 1), Tiny(8, 3).WithResBlocks(2).WithAttention(0, 3)} {
		t.Run(cfg.String(), func(t *testing.T) {
			m, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			store := model.NewStore()
			e := model.MustNewExec(be, store, func(scope *model.Scope, x, s *Node) *Node { return m.Eps(scope.In(Scope), x, s) })
			const b = 5
			x, xs := randTensor(7, b, cfg.ImageSize, cfg.ImageSize, cfg.Channels)
			steps := []float32{0, 1.5, 17, 250.25, 999}
			e.MustCall(x, steps) // creates the parameters
			perturb(t, store, 11)
			want := tensors.MustCopyFlatData[float32](e.MustCall(x, steps)[0])
			h, err := NewHost(m, store)
			if err != nil {
				t.Skip(err) // no OpenBLAS
			}
			got, err := h.Eps(xs, steps)
			if err != nil {
				t.Fatal(err)
			}
			defer func(c int) { hostMaxChunk = c }(hostMaxChunk)
			hostMaxChunk = 2 // chunks of 2, 2 and 1 images: the same values
			split, err := h.Eps(xs, steps)
			if err != nil {
				t.Fatal(err)
			}
			hostMaxChunk = 64
			var ss, worst float64
			for i := range want {
				ss += float64(want[i]) * float64(want[i])
				worst = max(worst, math.Abs(float64(got[i]-want[i])), math.Abs(float64(split[i]-want[i])))
			}
			rms := math.Sqrt(ss / float64(len(want)))
			// Both are float32 with different summation orders: differences of a few 1e-6 relative
			// per layer, over ~30 layers.
			if worst > 1e-4*rms || rms == 0 {
				t.Fatalf("max |host - graph| = %.3g, output rms %.3g (want <= 1e-4 rms)", worst, rms)
			}
			t.Logf("max |host - graph| = %.3g, output rms %.3g", worst, rms)
			if _, err := h.Eps(xs[:7], steps[:1]); err == nil {
				t.Error("a partial image gave no error")
			}
			if _, err := h.Eps(xs, steps[:2]); err == nil {
				t.Error("2 steps for 5 images gave no error")
			}
		})
	}
	// A store of another configuration is refused, naming both.
	m, _ := New(Tiny(16, 1))
	other, _ := New(Tiny(16, 1).WithBase(12))
	store := model.NewStore()
	e := model.MustNewExec(be, store, func(scope *model.Scope, x, s *Node) *Node { return other.Eps(scope.In(Scope), x, s) })
	x, _ := randTensor(1, 1, 16, 16, 1)
	e.MustCall(x, []float32{3})
	if _, err := NewHost(m, store); err == nil {
		t.Error("NewHost accepted the parameters of another configuration")
	}
}

// BenchmarkHostEps is BenchmarkEps's evaluation on the host forward pass (Tiny and Small, 32×32×1).
func BenchmarkHostEps(b *testing.B) {
	be := testBackend()
	for _, c := range []struct {
		name  string
		cfg   Config
		batch int
	}{{"tiny-b64", Tiny(32, 1), 64}, {"small-b64", Small(32, 1), 64}, {"tiny-b16", Tiny(32, 1), 16}, {"small-b16", Small(32, 1), 16}} {
		b.Run(c.name, func(b *testing.B) {
			m, _ := New(c.cfg)
			store := model.NewStore()
			e := model.MustNewExec(be, store, func(scope *model.Scope, x, s *Node) *Node { return m.Eps(scope.In(Scope), x, s) })
			x, xs := randTensor(1, c.batch, 32, 32, 1)
			steps := make([]float32, c.batch)
			e.MustCall(x, steps)
			h, err := NewHost(m, store)
			if err != nil {
				b.Skip(err)
			}
			b.Run("host", func(b *testing.B) {
				for range b.N {
					if _, err := h.Eps(xs, steps); err != nil {
						b.Fatal(fmt.Sprint(err))
					}
				}
			})
			b.Run("graph", func(b *testing.B) {
				for range b.N {
					e.MustCall(x, steps)
				}
			})
		})
	}
}
