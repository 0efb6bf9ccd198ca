package unet

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

func randTensor(seed uint64, dims ...int) (*tensors.Tensor, []float32) {
	rng := rand.New(rand.NewPCG(seed, 1))
	n := 1
	for _, d := range dims {
		n *= d
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return tensors.FromFlatDataAndDimensions(v, dims...), v
}

// convRef is a plain-Go convolution with padding (k-1)/2 (PyTorch convention) of x [b,h,w,ci] with
// w [k,k,ci,co] and stride s.
func convRef(x, w []float32, b, h, wd, ci, co, k, s int) []float64 {
	padH, padW := (k-1)/2, (k-1)/2
	oh, ow := (h+2*padH-k)/s+1, (wd+2*padW-k)/s+1
	out := make([]float64, b*oh*ow*co)
	for n := range b {
		for oy := range oh {
			for ox := range ow {
				for o := range co {
					var acc float64
					for dy := range k {
						for dx := range k {
							iy, ix := oy*s+dy-padH, ox*s+dx-padW
							if iy < 0 || iy >= h || ix < 0 || ix >= wd {
								continue
							}
							for c := range ci {
								acc += float64(x[((n*h+iy)*wd+ix)*ci+c]) * float64(w[((dy*k+dx)*ci+c)*co+o])
							}
						}
					}
					out[((n*oh+oy)*ow+ox)*co+o] = acc
				}
			}
		}
	}
	return out
}

// TestConvImplementationsAgree compares every convolution with a plain-Go loop (forward), and
// their gradients w.r.t. input and kernel with the native one's (gomlx autodiff of ConvGeneral).
func TestConvImplementationsAgree(t *testing.T) {
	be := testBackend()
	impls := []ConvImpl{Native, Im2Col, ShiftSum, Grid}
	for _, tc := range []struct{ k, s, h, w int }{{3, 1, 6, 6}, {3, 2, 6, 6}, {1, 1, 4, 4}, {3, 2, 5, 5}, {3, 1, 5, 7}, {3, 2, 7, 4}, {1, 2, 5, 6}, {3, 1, 1, 1}} {
		const b, ci, co = 2, 3, 4
		xT, x := randTensor(uint64(tc.k*10+tc.s+tc.w), b, tc.h, tc.w, ci)
		wT, w := randTensor(99, tc.k, tc.k, ci, co)
		outs := make([][]*tensors.Tensor, len(impls))
		for i, impl := range impls {
			store := model.NewStore()
			if _, err := store.RootScope().In("c").CreateVariable("weights", wT); err != nil {
				t.Fatal(err)
			}
			e := model.MustNewExec(be, store, func(scope *model.Scope, xn *Node) []*Node {
				cs := scope.In("c")
				y := Conv2D(cs, xn, co, tc.k, tc.s, impl)
				loss := ReduceAllSum(Mul(y, Sin(y)))
				return append([]*Node{y}, Gradient(loss, xn, cs.GetVariable("weights").NodeValue(xn.Graph()))...)
			})
			outs[i] = e.MustCall(xT)
		}
		ref := convRef(x, w, b, tc.h, tc.w, ci, co, tc.k, tc.s)
		for i, impl := range impls {
			got := tensors.MustCopyFlatData[float32](outs[i][0])
			if len(got) != len(ref) {
				t.Fatalf("%+v %s: %d outputs, want %d", tc, impl, len(got), len(ref))
			}
			for j := range ref {
				if math.Abs(float64(got[j])-ref[j]) > 1e-4*(1+math.Abs(ref[j])) {
					t.Fatalf("%+v %s: y[%d] = %v, loop %v", tc, impl, j, got[j], ref[j])
				}
			}
		}
		for g := 1; g <= 2; g++ {
			n := tensors.MustCopyFlatData[float32](outs[0][g])
			for o := 1; o < len(impls); o++ {
				a := tensors.MustCopyFlatData[float32](outs[o][g])
				for j := range a {
					if math.Abs(float64(a[j]-n[j])) > 1e-3*(1+math.Abs(float64(n[j]))) {
						t.Fatalf("%+v gradient %d [%d]: %s %v, native %v", tc, g, j, impls[o], a[j], n[j])
					}
				}
			}
		}
	}
}

// TestNumParams checks the closed-form count against the variables the graph creates, and
// the paper configuration against SI D.2's 25.7 M (±2%).
func TestNumParams(t *testing.T) {
	be := testBackend()
	for _, cfg := range []Config{Tiny(16, 1), Small(32, 1).WithConv(Native), Tiny(32, 3).WithResBlocks(2).WithAttention(0, 3)} {
		m, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		store := model.NewStore()
		e := model.MustNewExec(be, store, func(scope *model.Scope, x, s *Node) *Node { return m.Eps(scope.In(Scope), x, s) })
		x, _ := randTensor(1, 2, cfg.ImageSize, cfg.ImageSize, cfg.Channels)
		out := e.MustCall(x, []float32{1, 700})
		if !out[0].Shape().Equal(x.Shape()) {
			t.Fatalf("%s: output shape %s, input %s", cfg, out[0].Shape(), x.Shape())
		}
		for _, v := range tensors.MustCopyFlatData[float32](out[0]) {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("%s: non-finite output", cfg)
			}
		}
		if got, want := store.NumParameters(), cfg.NumParams(); got != want {
			t.Errorf("%s: store has %d parameters, NumParams says %d", cfg, got, want)
		}
	}
	p := Paper(32, 3).NumParams()
	if math.Abs(float64(p)/25.7e6-1) > 0.02 {
		t.Errorf("paper configuration has %d parameters, not within 2%% of 25.7 M", p)
	}
	// The PyTorch twin (bench/unet/unet_torch.py) counts 78961, 1021249 and 25636483.
	for _, c := range []struct {
		cfg  Config
		want int
	}{{Tiny(32, 1), 78961}, {Small(32, 1), 1021249}, {Paper(32, 3), 25636483}} {
		if got := c.cfg.NumParams(); got != c.want {
			t.Errorf("%s: %d parameters, PyTorch twin %d", c.cfg, got, c.want)
		}
	}
}

func TestBadConfigAndInput(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Paper(30, 3), "not divisible by 2^(levels-1) = 8"},
		{Tiny(32, 0), "Channels"},
		{Small(32, 1).WithGroups(5), "Groups 5 does not divide"},
		{Tiny(32, 1).WithAttention(4), "Attention level 4"},
		{Tiny(32, 1).WithMults(), "at least one level"},
	} {
		if _, err := New(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want it to mention %q", tc.cfg, err, tc.want)
		}
	}
	cfg := Tiny(16, 1)
	if err := CheckInput(cfg, []int{2, 16, 16, 3}); err == nil || !strings.Contains(err.Error(), "3 channels but the model has 1") {
		t.Errorf("channel mismatch: %v", err)
	}
	if err := CheckInput(cfg, []int{2, 32, 32, 1}); err == nil || !strings.Contains(err.Error(), "32x32") {
		t.Errorf("size mismatch: %v", err)
	}
}

// TestTimeEmbedding compares the sinusoidal embedding with its formula in plain Go.
func TestTimeEmbedding(t *testing.T) {
	steps := []float32{1, 37.5, 1000}
	const dim = 8
	out := MustExecOnce(testBackend(), func(s *Node) *Node { return TimeEmbedding(s, dim) }, steps)
	got := tensors.MustCopyFlatData[float32](out)
	for i, s := range steps {
		for j := range dim / 2 {
			w := math.Pow(10000, -float64(j)/float64(dim/2-1))
			if d := math.Abs(float64(got[i*dim+j]) - math.Sin(float64(s)*w)); d > 1e-4 {
				t.Errorf("sin[%d,%d] off by %g", i, j, d)
			}
			if d := math.Abs(float64(got[i*dim+dim/2+j]) - math.Cos(float64(s)*w)); d > 1e-4 {
				t.Errorf("cos[%d,%d] off by %g", i, j, d)
			}
		}
	}
}

// TestInitIsSeeded: the same seed gives bit-identical parameters, another seed different ones;
// the zero-initialised output layer makes the untrained network predict exactly 0.
func TestInitIsSeeded(t *testing.T) {
	be := testBackend()
	x, _ := randTensor(3, 1, 16, 16, 1)
	run := func(seed int64) []float32 {
		m, _ := New(Tiny(16, 1).WithSeed(seed))
		store := model.NewStore()
		e := model.MustNewExec(be, store, func(scope *model.Scope, x, s *Node) *Node { return m.Eps(scope.In(Scope), x, s) })
		for _, v := range tensors.MustCopyFlatData[float32](e.MustCall(x, []float32{5})[0]) {
			if v != 0 {
				t.Fatalf("untrained output %v, want 0 (zero-initialised conv_out)", v)
			}
		}
		return tensors.MustCopyFlatData[float32](store.GetVariable("/" + Scope + "/down_0_res_0/conv_0/weights").MustValue())
	}
	a, b, c := run(1), run(1), run(2)
	same, diff := true, false
	for i := range a {
		same = same && a[i] == b[i]
		diff = diff || a[i] != c[i]
	}
	if !same || !diff {
		t.Errorf("seeded init: same seed identical %v, other seed different %v", same, diff)
	}
}

// TestLayoutsAgree runs the same network (same random parameters, no zero-initialised layer
// left) with channels-first Grid convolutions and hand-written gradients, and with channels-last
// Im2Col convolutions and gomlx autodiff: outputs and the gradients of every parameter agree.
func TestLayoutsAgree(t *testing.T) {
	be := testBackend()
	cfg := Tiny(16, 2).WithResBlocks(2)
	x, _ := randTensor(5, 2, 16, 16, 2)
	target, _ := randTensor(6, 2, 16, 16, 2)
	steps := []float32{3, 800}
	base := model.NewStore()
	var paths []string
	run := func(store *model.Store, impl ConvImpl) []*tensors.Tensor {
		m, err := New(cfg.WithConv(impl))
		if err != nil {
			t.Fatal(err)
		}
		e := model.MustNewExec(be, store, func(scope *model.Scope, x, s, target *Node) []*Node {
			eps := m.Eps(scope.In(Scope), x, s)
			if paths == nil {
				return []*Node{eps}
			}
			loss := ReduceAllSum(Mul(eps, target))
			vars := make([]*Node, len(paths))
			for i, p := range paths {
				vars[i] = store.GetVariable(p).NodeValue(x.Graph())
			}
			return append([]*Node{eps}, Gradient(loss, vars...)...)
		})
		return e.MustCall(x, steps, target)
	}
	run(base, Im2Col) // creates the parameters
	for v := range base.IterVariables() {
		r, _ := randTensor(uint64(len(paths)+10), v.Shape().Dimensions...)
		flat := tensors.MustCopyFlatData[float32](r)
		for i := range flat {
			flat[i] *= 0.3
		}
		v.MustSetValue(tensors.FromFlatDataAndDimensions(flat, v.Shape().Dimensions...))
		paths = append(paths, v.Path())
	}
	other, err := base.Clone()
	if err != nil {
		t.Fatal(err)
	}
	want, got := run(base, Im2Col), run(other, Grid)
	for i := range want {
		name := "eps"
		if i > 0 {
			name = "∂" + paths[i-1]
		}
		w, g := tensors.MustCopyFlatData[float32](want[i]), tensors.MustCopyFlatData[float32](got[i])
		var worst, scale float64
		for j := range w {
			worst = max(worst, math.Abs(float64(w[j]-g[j])))
			scale = max(scale, math.Abs(float64(w[j])))
		}
		if worst > 1e-4*max(scale, 1e-2) { // the floor: ∂ of the key biases is exactly 0 (softmax shift invariance)
			t.Errorf("%s: max |grid − im2col| = %.3g (scale %.3g)", name, worst, scale)
		}
	}
	t.Logf("%d parameter gradients compared", len(paths))
}

// TestConvFor: Auto resolves to Grid on the pure-Go backend (Native on XLA, by backend name).
func TestConvFor(t *testing.T) {
	if got := ConvFor(testBackend()); got != Grid {
		t.Errorf("ConvFor(%s) = %s, want grid", testBackend().Name(), got)
	}
	if got := ConvFor(nil); got != Grid {
		t.Errorf("ConvFor(nil) = %s, want grid", got)
	}
}
