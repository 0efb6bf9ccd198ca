package score

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
)

func hostOrSkip(t testing.TB, ds *Dataset) *HostEmpirical {
	h, err := NewHostEmpirical(ds)
	if err != nil {
		t.Skipf("no BLAS on this machine: %v", err)
	}
	return h
}

// The host kernel must agree with the float64 loop (the reference of the graph's own test,
// same tolerance) and with the gomlx graph, including the nearest index, for shapes where
// the query blocks split the batch (blocks of 7 rows here).
func TestHostEmpiricalMatchesFloat64LoopAndGraph(t *testing.T) {
	defer func(v int) { hostBlockBytes = v }(hostBlockBytes)
	hostBlockBytes = 7 * 4 * 300
	b := backend.MustDefault()
	r := rand.New(rand.NewPCG(3, 4))
	for _, c := range []struct{ n, d, batch int }{
		{2, 1, 3}, {5, 3, 4}, {300, 64, 17}, {257, 2048, 3},
	} {
		a32, a64 := randn(r, c.n*c.d)
		ds, err := NewDataset(a32, c.n, c.d, 0)
		if err != nil {
			t.Fatal(err)
		}
		h := hostOrSkip(t, ds)
		emp, _ := NewEmpirical(ds)
		if h1, err := emp.Host(); err != nil || h1.Dataset() != ds {
			t.Fatalf("Empirical.Host: %v, dataset %p, want %p", err, h1.Dataset(), ds)
		} else if h2, _ := emp.Host(); h2 != h1 {
			t.Fatal("Empirical.Host built a second kernel")
		}
		ev, err := NewEvaluator(b, emp)
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []float64{1e-4, 1e-2, 0.3, 2} {
			x32, x64 := randn(r, c.batch*c.d)
			e, s := math.Exp(-tt), math.Sqrt(-math.Expm1(-2*tt))
			for i := range x32 { // noised data points, where small t is singular
				mu := (i / c.d) % c.n
				x32[i] = float32(e*a64[mu*c.d+i%c.d] + s*x64[i])
			}
			x64 = to64(x32)
			near := make([]int32, c.batch)
			got, err := h.Score(x32, tt, near)
			if err != nil {
				t.Fatal(err)
			}
			graph, err := ev.Eval(x32, tt)
			if err != nil {
				t.Fatal(err)
			}
			for row := range c.batch {
				want := refEmpirical(a64, c.n, c.d, x64[row*c.d:(row+1)*c.d], tt)
				if e := maxRelErr(got[row*c.d:(row+1)*c.d], want); e > 2e-4 {
					t.Errorf("n=%d d=%d t=%g row %d: host relative error %.2g vs float64 loop", c.n, c.d, tt, row, e)
				}
				if e := maxRelErr(got[row*c.d:(row+1)*c.d], to64(graph[row*c.d:(row+1)*c.d])); e > 4e-4 {
					t.Errorf("n=%d d=%d t=%g row %d: host vs graph relative difference %.2g", c.n, c.d, tt, row, e)
				}
				// μ* = argmin |a_μ e^{-t} - x| by a plain loop.
				best, bd := 0, math.Inf(1)
				for mu := range c.n {
					var dd float64
					for i := range c.d {
						v := x64[row*c.d+i] - e*a64[mu*c.d+i]
						dd += v * v
					}
					if dd < bd {
						best, bd = mu, dd
					}
				}
				if int(near[row]) != best {
					// a float32 near-tie is not an error: compare the distances
					var dn float64
					for i := range c.d {
						v := x64[row*c.d+i] - e*a64[int(near[row])*c.d+i]
						dn += v * v
					}
					if dn-bd > 1e-4*bd+1e-6 {
						t.Errorf("n=%d d=%d t=%g row %d: nearest %d (|.|²=%g), loop %d (|.|²=%g)", c.n, c.d, tt, row, near[row], dn, best, bd)
					}
				}
			}
		}
	}
}

func TestHostEmpiricalBadInput(t *testing.T) {
	ds, err := NewDataset([]float32{1, 2, 3, 4}, 2, 2, 0)
	if err != nil {
		t.Fatal(err)
	}
	h := hostOrSkip(t, ds)
	for _, c := range []struct {
		x    []float32
		t    float64
		near []int32
	}{{nil, 1, nil}, {[]float32{1, 2, 3}, 1, nil}, {[]float32{1, 2}, 0, nil}, {[]float32{1, 2}, math.NaN(), nil},
		{[]float32{1, 2}, 1, make([]int32, 2)}} {
		if _, err := h.Score(c.x, c.t, c.near); err == nil {
			t.Errorf("Score(len %d, t=%g, near len %d): no error", len(c.x), c.t, len(c.near))
		}
	}
	if _, err := NewHostEmpirical(nil); err == nil {
		t.Error("NewHostEmpirical(nil): no error")
	}
}
