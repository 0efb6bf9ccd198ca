package score

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
)

// refEmpirical is an independent float64 implementation of eq. (2)'s score: a plain loop with
// the full exponent -|x - a e^{-t}|²/(2Δ) and a two-pass log-sum-exp.
func refEmpirical(a []float64, n, d int, x []float64, t float64) []float64 {
	e := math.Exp(-t)
	delta := -math.Expm1(-2 * t)
	l := make([]float64, n)
	maxL := math.Inf(-1)
	for mu := range n {
		var s float64
		for i := range d {
			r := x[i] - e*a[mu*d+i]
			s += r * r
		}
		l[mu] = -s / (2 * delta)
		maxL = max(maxL, l[mu])
	}
	var z float64
	mean := make([]float64, d)
	for mu := range n {
		w := math.Exp(l[mu] - maxL)
		z += w
		for i := range d {
			mean[i] += w * a[mu*d+i]
		}
	}
	f := make([]float64, d)
	for i := range d {
		f[i] = (e*mean[i]/z - x[i]) / delta
	}
	return f
}

// refMixture is eq. (54) in float64.
func refMixture(m []float64, sigma float64, x []float64, t float64) []float64 {
	e := math.Exp(-t)
	gamma := -math.Expm1(-2*t) + sigma*sigma*e*e
	var xm float64
	for i := range m {
		xm += x[i] * m[i]
	}
	th := math.Tanh(e / gamma * xm)
	f := make([]float64, len(m))
	for i := range m {
		f[i] = m[i]*e/gamma*th - x[i]/gamma
	}
	return f
}

func randn(r *rand.Rand, k int) ([]float32, []float64) {
	f32, f64 := make([]float32, k), make([]float64, k)
	for i := range f32 {
		f32[i] = float32(r.NormFloat64())
		f64[i] = float64(f32[i])
	}
	return f32, f64
}

func to64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// maxRelErr is max_i |got_i - want_i| / max_i |want_i|, per row.
func maxRelErr(got []float32, want []float64) float64 {
	var num, den float64
	for i := range want {
		if math.IsNaN(float64(got[i])) || math.IsInf(float64(got[i]), 0) {
			return math.Inf(1)
		}
		num = max(num, math.Abs(float64(got[i])-want[i]))
		den = max(den, math.Abs(want[i]))
	}
	return num / den
}

// The gomlx empirical score must agree with the float64 loop for several shapes (including
// chunk sizes that do not divide n and d = 12288) and small times, both at random points and
// at typical noised data points x = a e^{-t} + sqrt(Δ_t) z, where small t is singular.
func TestEmpiricalMatchesFloat64Loop(t *testing.T) {
	b := backend.MustDefault()
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct{ n, d, batch, chunk int }{
		{2, 1, 3, 0}, {5, 3, 4, 2}, {300, 64, 17, 128}, {257, 12288, 3, 100},
	} {
		a32, a64 := randn(r, c.n*c.d)
		ds, err := NewDataset(a32, c.n, c.d, c.chunk)
		if err != nil {
			t.Fatal(err)
		}
		emp, _ := NewEmpirical(ds)
		ev, err := NewEvaluator(b, emp)
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []float64{1e-4, 1e-2, 0.3, 2} {
			for _, near := range []bool{false, true} {
				x32, x64 := randn(r, c.batch*c.d)
				if near { // x = a_μ e^{-t} + sqrt(Δ) z for μ = row index mod n
					e, s := math.Exp(-tt), math.Sqrt(-math.Expm1(-2*tt))
					for i := range x32 {
						mu := (i / c.d) % c.n
						x32[i] = float32(e*a64[mu*c.d+i%c.d] + s*x64[i])
					}
					x64 = to64(x32)
				}
				got, err := ev.Eval(x32, tt)
				if err != nil {
					t.Fatal(err)
				}
				for row := range c.batch {
					want := refEmpirical(a64, c.n, c.d, x64[row*c.d:(row+1)*c.d], tt)
					if e := maxRelErr(got[row*c.d:(row+1)*c.d], want); e > 2e-4 {
						t.Errorf("n=%d d=%d chunk=%d t=%g near=%v row %d: relative error %.2g", c.n, c.d, c.chunk, tt, near, row, e)
					}
				}
			}
		}
	}
}

func TestMixtureMatchesEq54(t *testing.T) {
	b := backend.MustDefault()
	r := rand.New(rand.NewPCG(3, 4))
	for _, d := range []int{1, 7, 512} {
		m32, m64 := randn(r, d)
		for _, sigma := range []float64{0.5, 1, 2} {
			mix, err := NewMixture(m32, sigma)
			if err != nil {
				t.Fatal(err)
			}
			ev, _ := NewEvaluator(b, mix)
			for _, tt := range []float64{1e-4, 0.1, 1, 8} {
				x32, x64 := randn(r, 5*d)
				got, err := ev.Eval(x32, tt)
				if err != nil {
					t.Fatal(err)
				}
				for row := range 5 {
					want := refMixture(m64, sigma, x64[row*d:(row+1)*d], tt)
					if e := maxRelErr(got[row*d:(row+1)*d], want); e > 1e-5 {
						t.Errorf("d=%d σ=%g t=%g: relative error %.2g", d, sigma, tt, e)
					}
				}
			}
		}
	}
}

// For data drawn from the two-cluster mixture, the exact empirical score equals the mixture
// score (eq. 54) for t ≫ t_C, where P^e_t = P_t, and is far from it for t ≪ t_C, where the
// empirical score pulls towards single training points (eq. 10 gives t_C ≈ 0.044 here).
func TestEmpiricalApproachesMixtureAboveCollapse(t *testing.T) {
	const n, d, batch = 20000, 8, 200
	bk := backend.MustDefault()
	r := rand.New(rand.NewPCG(5, 6))
	m := make([]float32, d)
	for i := range m {
		m[i] = 1
	}
	sample := func(tt float64) []float32 { // n points of P_t for the mixture with σ = 1
		out := make([]float32, 0, n*d)
		e, s := math.Exp(-tt), math.Sqrt(-math.Expm1(-2*tt))
		for range n {
			sign := float64(1 - 2*r.IntN(2))
			for i := range d {
				out = append(out, float32(e*(sign*float64(m[i])+r.NormFloat64())+s*r.NormFloat64()))
			}
		}
		return out
	}
	ds, _ := NewDataset(sample(0), n, d, 4096)
	emp, _ := NewEmpirical(ds)
	mix, _ := NewMixture(m, 1)
	evE, _ := NewEvaluator(bk, emp)
	evM, _ := NewEvaluator(bk, mix)
	relDiff := func(tt float64) float64 {
		x := sample(tt)[:batch*d]
		fe, err := evE.Eval(x, tt)
		if err != nil {
			t.Fatal(err)
		}
		fm, _ := evM.Eval(x, tt)
		var num, den float64
		for i := range fe {
			num += (float64(fe[i]) - float64(fm[i])) * (float64(fe[i]) - float64(fm[i]))
			den += float64(fm[i]) * float64(fm[i])
		}
		return math.Sqrt(num / den)
	}
	for _, tt := range []float64{0.5, 1, 3} {
		e := relDiff(tt)
		t.Logf("t = %g: |F^e - F| / |F| = %.4f", tt, e)
		// finite-n fluctuations of the softmax shrink as t grows (0.04 at t = 0.5 here)
		if tol := 0.1 * math.Exp(-(tt - 0.5)); e > tol {
			t.Errorf("t = %g ≫ t_C: |F^e - F| / |F| = %.3f, want < %.3f", tt, e, tol)
		}
	}
	e := relDiff(0.002)
	t.Logf("t = 0.002: |F^e - F| / |F| = %.4f", e)
	if e < 0.5 {
		t.Errorf("t = 0.002 ≪ t_C: |F^e - F| / |F| = %.3f, want the collapse to make it > 0.5", e)
	}
}

func TestBadInput(t *testing.T) {
	for _, c := range []struct {
		a       []float32
		n, d    int
		wantMsg string
	}{
		{make([]float32, 3), 1, 3, "n >= 2"},
		{nil, 0, 3, "n >= 2"},
		{make([]float32, 5), 2, 3, "n*d"},
		{make([]float32, 4), 2, 0, "dimension"},
		{[]float32{1, float32(math.NaN()), 0, 0}, 2, 2, "a[1]"},
	} {
		if _, err := NewDataset(c.a, c.n, c.d, 0); err == nil || !strings.Contains(err.Error(), c.wantMsg) {
			t.Errorf("NewDataset(n=%d, d=%d): error %v, want one mentioning %q", c.n, c.d, err, c.wantMsg)
		}
	}
	if _, err := NewMixture(nil, 1); err == nil {
		t.Error("empty m accepted")
	}
	if _, err := NewMixture([]float32{1}, 0); err == nil || !strings.Contains(err.Error(), "sigma") {
		t.Errorf("sigma = 0: %v", err)
	}
	mix, _ := NewMixture([]float32{1, 1}, 1)
	ev, _ := NewEvaluator(backend.MustDefault(), mix)
	for _, c := range []struct {
		x    []float32
		t    float64
		want string
	}{{[]float32{1, 2}, 0, "t must be > 0"}, {[]float32{1, 2}, -1, "t must be > 0"}, {nil, 1, "empty"}, {[]float32{1, 2, 3}, 1, "multiple of d"}} {
		if _, err := ev.Eval(c.x, c.t); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Eval(len %d, t=%g): %v, want %q", len(c.x), c.t, err, c.want)
		}
	}
}

// The mixture score of eq. (54) at one point, and the empirical score of two points, which at
// small t pulls x onto the nearest training point: F ≈ (a e^{-t} - x)/Δ_t.
func Example() {
	b := backend.MustDefault()
	mix, _ := NewMixture([]float32{1, 1}, 1)
	ev, _ := NewEvaluator(b, mix)
	f, _ := ev.Eval([]float32{0.5, 0}, 1)
	fmt.Printf("mixture   F = (%.4f, %.4f)\n", f[0], f[1])

	ds, _ := NewDataset([]float32{1, 0, -1, 0}, 2, 2, 0)
	emp, _ := NewEmpirical(ds)
	ev, _ = NewEvaluator(b, emp)
	f, _ = ev.Eval([]float32{0.9, 0.1}, 0.01)
	fmt.Printf("empirical F = (%.2f, %.2f)\n", f[0], f[1])
	// Output:
	// mixture   F = (-0.4331, 0.0669)
	// empirical F = (4.55, -5.05)
}
