package sde

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/score"
)

func flat(t *testing.T, x *tensors.Tensor) []float32 {
	t.Helper()
	v, err := tensors.CopyFlatData[float32](x)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func mixture(t *testing.T, d int, mu float32, sigma float64) *score.Mixture {
	t.Helper()
	m := make([]float32, d)
	for i := range m {
		m[i] = mu
	}
	s, err := score.NewMixture(m, sigma)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Same seed, same trajectories; another seed, other trajectories; and the number K of fused
// steps does not change them (the RNG stream is consumed in the same order).
func TestSeededAndIndependentOfK(t *testing.T) {
	for _, noise := range []Noise{NoiseGraph, NoiseHost} {
		testSeeded(t, noise)
	}
}

func testSeeded(t *testing.T, noise Noise) {
	b := backend.MustDefault()
	s := mixture(t, 6, 1, 1)
	run := func(seed int64, k int) []float32 {
		in, err := New(b, s, Config{T: 4, L: 40, K: k, Seed: seed, Noise: noise})
		if err != nil {
			t.Fatal(err)
		}
		x, err := in.Start(5)
		if err != nil {
			t.Fatal(err)
		}
		x, err = in.Run(x, 0, 40)
		if err != nil {
			t.Fatal(err)
		}
		return flat(t, x)
	}
	a, a2, c, k7 := run(1, 10), run(1, 10), run(2, 10), run(1, 7)
	for i := range a {
		if a[i] != a2[i] {
			t.Fatalf("same seed gave different values at %d: %v vs %v", i, a[i], a2[i])
		}
		if math.Abs(float64(a[i]-k7[i])) > 1e-5*(1+math.Abs(float64(a[i]))) {
			t.Fatalf("noise %d: K=10 and K=7 differ at %d: %v vs %v", noise, i, a[i], k7[i])
		}
	}
	same := 0
	for i := range a {
		if a[i] == c[i] {
			same++
		}
	}
	if same > 0 {
		t.Fatalf("seeds 1 and 2 share %d values", same)
	}
}

// One step from a known x must equal the drift of eq. (55) (resp. the exponential integrator)
// computed on the host from the score, plus Gaussian noise of variance 2η (resp. e^{2η} - 1).
func TestOneStepMatchesEq55(t *testing.T) {
	b := backend.MustDefault()
	const d, batch, L, T = 50, 400, 20, 2.0
	s := mixture(t, d, 0.3, 0.7)
	ev, _ := score.NewEvaluator(b, s)
	for _, c := range []struct {
		method Method
		noise  Noise
	}{{EulerMaruyama, NoiseHost}, {EulerMaruyama, NoiseGraph}, {Exponential, NoiseHost}, {Exponential, NoiseGraph}} {
		method := c.method
		in, err := New(b, s, Config{T: T, L: L, K: 3, Method: method, Seed: 9, Noise: c.noise})
		if err != nil {
			t.Fatal(err)
		}
		eta := in.Eta()
		x0, _ := in.Start(batch)
		x, _ := in.Run(x0, 0, 5) // move somewhere non-trivial, then check step 5
		xs := flat(t, x)
		x1, err := in.Run(x, 5, 6)
		if err != nil {
			t.Fatal(err)
		}
		f, _ := ev.Eval(xs, in.Time(5))
		got := flat(t, x1)
		var sum, sum2 float64
		for i := range got {
			var drift float64
			if method == Exponential {
				drift = math.Exp(eta)*float64(xs[i]) + 2*math.Expm1(eta)*float64(f[i])
			} else {
				drift = float64(xs[i]) + eta*(float64(xs[i])+2*float64(f[i]))
			}
			r := float64(got[i]) - drift
			sum += r
			sum2 += r * r
		}
		nTot := float64(len(got))
		mean, v := sum/nTot, sum2/nTot
		want := 2 * eta
		if method == Exponential {
			want = math.Expm1(2 * eta)
		}
		if math.Abs(mean) > 5*math.Sqrt(want/nTot) || math.Abs(v/want-1) > 5*math.Sqrt(2/nTot) {
			t.Errorf("%v, noise %d: noise mean %.4g var %.4g, want 0 and %.4g", method, c.noise, mean, v, want)
		}
	}
}

// Sampling a Gaussian of variance σ² (the mixture with m = 0): the backward dynamics from
// N(0, I) must end with per-coordinate variance σ², up to the O(η) discretisation error.
func TestSamplesTargetVariance(t *testing.T) {
	b := backend.MustDefault()
	const d, batch = 20, 1000
	for _, method := range []Method{EulerMaruyama, Exponential} {
		s := mixture(t, d, 0, 0.5)
		in, _ := New(b, s, Config{T: 6, L: 600, K: 50, Method: method, Seed: 3})
		x, _ := in.Start(batch)
		x, err := in.Run(x, 0, 600)
		if err != nil {
			t.Fatal(err)
		}
		var s2 float64
		v := flat(t, x)
		for _, xi := range v {
			s2 += float64(xi) * float64(xi)
		}
		if got := s2 / float64(len(v)); math.Abs(got-0.25) > 0.02 {
			t.Errorf("%v: final variance %.4f, want σ² = 0.25", method, got)
		}
	}
}

func TestObserverAndErrors(t *testing.T) {
	b := backend.MustDefault()
	s := mixture(t, 3, 1, 1)
	in, _ := New(b, s, Config{T: 1, L: 10, K: 4})
	x, _ := in.Start(2)
	obs := &Observer{Name: "t", Fn: func(x, t *graph.Node) *graph.Node {
		return graph.BroadcastToDims(t, x.Shape().Dim(0))
	}}
	_, got, err := in.RunObserved(x, 0, 10, obs)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Shape().Dim(0) != 4 || got[2].Shape().Dim(0) != 2 {
		t.Fatalf("observations: %d calls, shapes %v", len(got), got[0].Shape())
	}
	var times []float32
	for _, o := range got {
		times = append(times, flat(t, o)...)
	}
	for k := range 10 {
		if math.Abs(float64(times[2*k])-in.Time(k)) > 1e-6 {
			t.Fatalf("observer saw t = %v at step %d, want %v", times[2*k], k, in.Time(k))
		}
	}
	for _, c := range []struct {
		cfg  Config
		want string
	}{{Config{T: -1}, "horizon"}, {Config{L: -3}, "steps L"}, {Config{K: -1}, "fused"}, {Config{Method: 7}, "method"}, {Config{Noise: 9}, "noise"}} {
		if _, err := New(b, s, c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%+v): %v, want %q", c.cfg, err, c.want)
		}
	}
	if _, err := in.Start(0); err == nil || !strings.Contains(err.Error(), "batch") {
		t.Errorf("Start(0): %v", err)
	}
	if _, err := in.Run(tensors.FromValue([][]float32{{1, 2}}), 0, 1); err == nil || !strings.Contains(err.Error(), "[b, 3]") {
		t.Errorf("wrong d: %v", err)
	}
	if _, err := in.Run(x, 5, 11); err == nil || !strings.Contains(err.Error(), "step range") {
		t.Errorf("bad range: %v", err)
	}
	if _, err := in.StepAt(1.5); err == nil {
		t.Error("StepAt beyond T accepted")
	}
}

// Backward trajectories of the two-cluster mixture (eq. 54 in eq. 55) end near ±m.
func Example() {
	b := backend.MustDefault()
	m := []float32{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}
	s, _ := score.NewMixture(m, 1)
	in, _ := New(b, s, Config{Seed: 42}) // T = 10, L = 1000, K automatic
	x, _ := in.Start(1000)
	x, _ = in.Run(x, 0, in.Config().L)
	v, _ := tensors.CopyFlatData[float32](x)
	var q float64 // mean |x·m| / |m|², 1 when every trajectory reaches a cluster centre
	for i := range 1000 {
		var xm float64
		for j, mj := range m {
			xm += float64(v[i*16+j] * mj)
		}
		q += math.Abs(xm) / 16 / 1000
	}
	fmt.Printf("<|x·m|>/|m|² = %.1f\n", q)
	// Output: <|x·m|>/|m|² = 1.0
}

// Both discretisations converge to the target variance σ² as η → 0 (first order): the error
// at L steps shrinks by at least a third when L is quadrupled. The log compares them.
func TestMethodsConverge(t *testing.T) {
	b := backend.MustDefault()
	const d, batch = 10, 4000
	s := mixture(t, d, 0, 0.5)
	for _, method := range []Method{EulerMaruyama, Exponential} {
		var errs []float64
		for _, L := range []int{40, 160} {
			in, _ := New(b, s, Config{T: 6, L: L, K: 40, Method: method, Seed: 5})
			x, _ := in.Start(batch)
			x, err := in.Run(x, 0, L)
			if err != nil {
				t.Fatal(err)
			}
			var s2 float64
			for _, v := range flat(t, x) {
				s2 += float64(v) * float64(v)
			}
			errs = append(errs, s2/(d*batch)-0.25)
		}
		t.Logf("%v: final variance error %.4f at L=40, %.4f at L=160 (σ² = 0.25, T = 6)", method, errs[0], errs[1])
		if math.Abs(errs[1]) > math.Abs(errs[0])*2/3+0.01 {
			t.Errorf("%v does not converge: errors %v", method, errs)
		}
	}
}
