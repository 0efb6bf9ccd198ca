package unet

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// groupNormRef is an independent float64 implementation of GroupNorm over x [b,h,w,c] (flat).
func groupNormRef(x, gamma, beta []float64, b, hw, c, groups int, eps float64) []float64 {
	y := make([]float64, len(x))
	cg := c / groups
	for n := range b {
		for gi := range groups {
			var sum, sq float64
			cnt := float64(hw * cg)
			for p := range hw {
				for k := range cg {
					sum += x[(n*hw+p)*c+gi*cg+k]
				}
			}
			mean := sum / cnt
			for p := range hw {
				for k := range cg {
					d := x[(n*hw+p)*c+gi*cg+k] - mean
					sq += d * d
				}
			}
			inv := 1 / math.Sqrt(sq/cnt+eps)
			for p := range hw {
				for k := range cg {
					i := (n*hw+p)*c + gi*cg + k
					ch := gi*cg + k
					y[i] = gamma[ch]*(x[i]-mean)*inv + beta[ch]
				}
			}
		}
	}
	return y
}

func TestGroupNormForwardAndFiniteDifferenceGradients(t *testing.T) {
	const b, h, w, c, groups, eps = 2, 3, 3, 4, 2, 1e-5
	rng := rand.New(rand.NewPCG(7, 11))
	n := b * h * w * c
	x, wts := make([]float64, n), make([]float64, n)
	gamma, beta := make([]float64, c), make([]float64, c)
	for i := range x {
		x[i] = 2*rng.NormFloat64() + 0.5
		wts[i] = rng.NormFloat64()
	}
	for i := range gamma {
		gamma[i] = 1 + 0.5*rng.NormFloat64()
		beta[i] = rng.NormFloat64()
	}
	f32 := func(v []float64) []float32 {
		out := make([]float32, len(v))
		for i := range v {
			out[i] = float32(v[i])
		}
		return out
	}
	store := model.NewStore()
	gs := store.RootScope().In("gn")
	if _, err := gs.CreateVariable("gamma", tensors.FromFlatDataAndDimensions(f32(gamma), c)); err != nil {
		t.Fatal(err)
	}
	if _, err := gs.CreateVariable("beta", tensors.FromFlatDataAndDimensions(f32(beta), c)); err != nil {
		t.Fatal(err)
	}
	e := model.MustNewExec(testBackend(), store, func(scope *model.Scope, xn, wn *Node) []*Node {
		s := scope.In("gn")
		y := GroupNorm(s, xn).Groups(groups).Epsilon(eps).Done()
		loss := ReduceAllSum(Mul(y, wn))
		g := xn.Graph()
		grads := Gradient(loss, xn, s.GetVariable("gamma").NodeValue(g), s.GetVariable("beta").NodeValue(g))
		return append([]*Node{y}, grads...)
	})
	out := e.MustCall(tensors.FromFlatDataAndDimensions(f32(x), b, h, w, c), tensors.FromFlatDataAndDimensions(f32(wts), b, h, w, c))
	y := tensors.MustCopyFlatData[float32](out[0])
	ref := groupNormRef(x, gamma, beta, b, h*w, c, groups, eps)
	for i := range ref {
		if math.Abs(float64(y[i])-ref[i]) > 1e-4*(1+math.Abs(ref[i])) {
			t.Fatalf("forward[%d] = %v, float64 reference %v", i, y[i], ref[i])
		}
	}
	loss := func(x, gamma, beta []float64) float64 {
		var s float64
		for i, v := range groupNormRef(x, gamma, beta, b, h*w, c, groups, eps) {
			s += v * wts[i]
		}
		return s
	}
	// Central differences on the float64 reference: error O(δ²) ≈ 1e-8, far below float32 noise.
	const delta = 1e-4
	fd := func(v []float64, i int) float64 {
		old := v[i]
		v[i] = old + delta
		up := loss(x, gamma, beta)
		v[i] = old - delta
		down := loss(x, gamma, beta)
		v[i] = old
		return (up - down) / (2 * delta)
	}
	for k, tc := range []struct {
		name string
		v    []float64
	}{{"x", x}, {"gamma", gamma}, {"beta", beta}} {
		got := tensors.MustCopyFlatData[float32](out[1+k])
		var maxErr, maxRef float64
		for i := range tc.v {
			want := fd(tc.v, i)
			maxErr = max(maxErr, math.Abs(float64(got[i])-want))
			maxRef = max(maxRef, math.Abs(want))
		}
		if maxErr > 2e-3*(1+maxRef) {
			t.Errorf("d loss/d %s: max |graph - finite difference| = %.3g (max |grad| %.3g)", tc.name, maxErr, maxRef)
		}
		t.Logf("d loss/d %s: max error %.2g vs max |grad| %.2g", tc.name, maxErr, maxRef)
	}
}
