package flow

import (
	"math"
	"testing"

	"github.com/gomlx/gomlx/core/graph"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/ou"
	"github.com/diffregimes/diffregimes/pkg/score"
)

// gaussian is an independent score.Score written here from its closed form: the exact score
// of data a ~ N(m, s² I) under the forward process of eq. (1), for which x(t) ~
// N(m e^{−t}, Γ_t I), Γ_t = s² e^{−2t} + Δ_t, so F(x, t) = −(x − m e^{−t})/Γ_t.
type gaussian struct {
	m  []float32
	s2 float64
}

func (g gaussian) Dim() int { return len(g.m) }

func (g gaussian) Graph(x, t *graph.Node) *graph.Node {
	decay, delta := score.DecayDelta(t)
	gamma := graph.Add(graph.MulScalar(graph.Mul(decay, decay), g.s2), delta)
	m := graph.Mul(graph.Const(x.Graph(), [][]float32{g.m}), decay)
	return graph.Neg(graph.Div(graph.Sub(x, m), gamma))
}

// flowMap is the closed-form flow of eq. (F2): the affine map between the laws of x_T and x_t,
// x_t = m e^{−t} + sqrt(Γ_t/Γ_T) (x_T − m e^{−T}).
func (g gaussian) flowMap(xT []float32, T, t float64) []float64 {
	d := g.Dim()
	gT, gt := g.s2*math.Exp(-2*T)+ou.Delta(T), g.s2*math.Exp(-2*t)+ou.Delta(t)
	r := math.Sqrt(gt / gT)
	out := make([]float64, len(xT))
	for i, v := range xT {
		mi := float64(g.m[i%d])
		out[i] = mi*math.Exp(-t) + r*(float64(v)-mi*math.Exp(-T))
	}
	return out
}

func maxErr(a []float32, b []float64) float64 {
	var e float64
	for i := range a {
		e = max(e, math.Abs(float64(a[i])-b[i]))
	}
	return e
}

func gauss() gaussian { return gaussian{m: []float32{1.5, -0.5, 0, 2}, s2: 0.25} }

// The ODE's flow map for a Gaussian P_0 is the affine map of eq. (F2), at t = 0 and at an
// intermediate time, for both methods.
func TestGaussianFlowMap(t *testing.T) {
	g := gauss()
	b := backend.MustDefault()
	for _, c := range []struct {
		m   Method
		L   int
		tol float64
	}{{Euler, 1000, 0.01}, {Heun, 1000, 1e-4}} {
		in, err := New(b, g, Config{T: 4, L: c.L, Method: c.m, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		xT, err := in.Start(64)
		if err != nil {
			t.Fatal(err)
		}
		mid, err := in.Run(xT, 0, c.L/2)
		if err != nil {
			t.Fatal(err)
		}
		x0, err := in.Run(mid, c.L/2, c.L)
		if err != nil {
			t.Fatal(err)
		}
		em, e0 := maxErr(mid, g.flowMap(xT, 4, in.Time(c.L/2))), maxErr(x0, g.flowMap(xT, 4, 0))
		t.Logf("%v L=%d: max |x - closed form| at t=%g: %.2e, at t=0: %.2e", c.m, c.L, in.Time(c.L/2), em, e0)
		if em > c.tol || e0 > c.tol {
			t.Errorf("%v: flow map off the closed form: %.2e, %.2e > %.2e", c.m, em, e0, c.tol)
		}
	}
}

// Heun is second order and Euler first: halving η divides the error at t = 0 by ~4 and ~2.
func TestOrder(t *testing.T) {
	g := gaussian{m: []float32{1.5, -0.5, 0, 2}, s2: 0.5}
	b := backend.MustDefault()
	for _, c := range []struct {
		m      Method
		lo, hi float64
	}{{Euler, 1.8, 2.2}, {Heun, 3.5, 4.5}} {
		var errs []float64
		for _, L := range []int{80, 160, 320} {
			in, err := New(b, g, Config{T: 3, L: L, Method: c.m, Seed: 5})
			if err != nil {
				t.Fatal(err)
			}
			xT, _ := in.Start(32)
			x0, err := in.Run(xT, 0, L)
			if err != nil {
				t.Fatal(err)
			}
			errs = append(errs, maxErr(x0, g.flowMap(xT, 3, 0)))
		}
		r1, r2 := errs[0]/errs[1], errs[1]/errs[2]
		t.Logf("%v: errors %.3e %.3e %.3e (L = 80, 160, 320), ratios %.2f %.2f", c.m, errs[0], errs[1], errs[2], r1, r2)
		for _, r := range []float64{r1, r2} {
			if r < c.lo || r > c.hi {
				t.Errorf("%v: error ratio %.2f outside [%g, %g]", c.m, r, c.lo, c.hi)
			}
		}
	}
}

func meanVar(v []float64) (m, va float64) {
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	for _, x := range v {
		va += (x - m) * (x - m)
	}
	return m, va / float64(len(v)-1)
}

// For the two-cluster mixture of eq. (54) the ODE's samples at t = 0 have the class
// proportions ½, and per cluster the projection on m has mean ±|m| and variance σ², and the
// directions orthogonal to m have variance σ², all within 3 s.e.
func TestMixtureMarginals(t *testing.T) {
	const d, mu, sigma, n = 16, 1.0, 1.0, 4000
	mix, err := gmm.NewMixture(d, mu, sigma)
	if err != nil {
		t.Fatal(err)
	}
	s, err := score.NewMixture(mix.Centre(), sigma)
	if err != nil {
		t.Fatal(err)
	}
	in, err := New(backend.MustDefault(), s, Config{T: 10, L: 200, Method: Heun, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	x, err := in.Sample(n)
	if err != nil {
		t.Fatal(err)
	}
	norm := mix.M()
	u := mix.Centre()
	proj := map[int][]float64{}
	orth := map[int][]float64{} // per sample: mean over coordinates of the squared residual
	for i := range n {
		var q float64
		for j := range d {
			q += float64(x[i*d+j]) * float64(u[j]) / norm
		}
		c := 1
		if q < 0 {
			c = -1
		}
		proj[c] = append(proj[c], q)
		var r2 float64
		for j := range d {
			r := float64(x[i*d+j]) - q*float64(u[j])/norm
			r2 += r * r
		}
		orth[c] = append(orth[c], r2/(d-1))
	}
	p := float64(len(proj[1])) / n
	se := math.Sqrt(0.25 / n)
	t.Logf("P(+) = %.4f ± %.4f (theory 0.5)", p, se)
	if math.Abs(p-0.5) > 3*se {
		t.Errorf("class proportion %.4f ± %.4f, want 0.5", p, se)
	}
	for _, c := range []int{1, -1} {
		k := float64(len(proj[c]))
		m, v := meanVar(proj[c])
		mSE, vSE := math.Sqrt(sigma*sigma/k), sigma*sigma*math.Sqrt(2/(k-1))
		om, _ := meanVar(orth[c])
		oSE := sigma * sigma * math.Sqrt(2/((k-1)*(d-1)))
		t.Logf("cluster %+d (%d samples): mean %.4f ± %.4f (theory %+.4f), variance %.4f ± %.4f, orthogonal variance %.4f ± %.4f (theory %.2f)",
			c, len(proj[c]), m, mSE, float64(c)*norm, v, vSE, om, oSE, sigma*sigma)
		if math.Abs(m-float64(c)*norm) > 3*mSE {
			t.Errorf("cluster %+d: mean %.4f ± %.4f, want %+.4f", c, m, mSE, float64(c)*norm)
		}
		if math.Abs(v-sigma*sigma) > 3*vSE {
			t.Errorf("cluster %+d: variance %.4f ± %.4f, want %.2f", c, v, vSE, sigma*sigma)
		}
		if math.Abs(om-sigma*sigma) > 3*oSE {
			t.Errorf("cluster %+d: orthogonal variance %.4f ± %.4f, want %.2f", c, om, oSE, sigma*sigma)
		}
	}
}
