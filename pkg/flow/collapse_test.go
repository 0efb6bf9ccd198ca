package flow

import (
	"math"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/score"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

// gaussianPoints returns n standard normal points in d dimensions, row-major, from seed.
func gaussianPoints(seed uint64, n, d int) []float32 {
	a := make([]float32, n*d)
	r := gmm.NewRand(seed)
	for i := range a {
		a[i] = float32(r.NormFloat64())
	}
	return a
}

// nearest returns the index of the training point nearest to y and the distance.
func nearest(a []float32, n, d int, y []float32) (int, float64) {
	best, bi := math.Inf(1), -1
	for mu := range n {
		var s float64
		for j := range d {
			r := float64(y[j]) - float64(a[mu*d+j])
			s += r * r
		}
		if s < best {
			best, bi = s, mu
		}
	}
	return bi, math.Sqrt(best)
}

// With the exact empirical score of eq. (2) the ODE collapses: every sample ends next to one
// training point, the one its trajectory was nearest to (in the sense of a_μ e^{−t}) at the
// last grid time t = η, at a distance that is a small fraction of the gap between training
// points (the stiff 1/Δ_t drift leaves |y(η)|/4 after the midpoint step); with the final
// denoiser it ends on the point (distance ~0).
func TestEmpiricalCollapse(t *testing.T) {
	const n, d, b = 12, 8, 200
	a := gaussianPoints(7, n, d)
	ds, err := score.NewDataset(a, n, d, 0)
	if err != nil {
		t.Fatal(err)
	}
	s, err := score.NewEmpirical(ds)
	if err != nil {
		t.Fatal(err)
	}
	gap := math.Inf(1) // the smallest distance between two training points
	for mu := range n {
		for nu := range mu {
			_, dist := nearest(a[nu*d:(nu+1)*d], 1, d, a[mu*d:(mu+1)*d])
			gap = min(gap, dist)
		}
	}
	// One chain to t = η, then the last step with and without the final denoiser.
	var xEta []float32
	for _, final := range []bool{false, true} {
		in, err := New(backend.MustDefault(), s, Config{T: 10, L: 500, Method: Heun, Seed: 2, FinalDenoise: final})
		if err != nil {
			t.Fatal(err)
		}
		if xEta == nil {
			xT, _ := in.Start(b)
			if xEta, err = in.Run(xT, 0, in.Config().L-1); err != nil {
				t.Fatal(err)
			}
		}
		x0, err := in.Run(xEta, in.Config().L-1, in.Config().L)
		if err != nil {
			t.Fatal(err)
		}
		eta := in.Time(in.Config().L - 1)
		var worst, mean float64
		visited := map[int]bool{}
		for i := range b {
			y := x0[i*d : (i+1)*d]
			mu, dist := nearest(a, n, d, y)
			// μ*(η) = argmin_μ |a_μ e^{−η} − x(η)|
			scaled := make([]float32, n*d)
			for j := range scaled {
				scaled[j] = a[j] * float32(math.Exp(-eta))
			}
			muEta, _ := nearest(scaled, n, d, xEta[i*d:(i+1)*d])
			if mu != muEta {
				t.Errorf("final=%v: sample %d ends nearest to a_%d but was nearest to a_%d at t = η", final, i, mu, muEta)
			}
			worst, mean = max(worst, dist), mean+dist/b
			visited[mu] = true
		}
		t.Logf("final denoiser %v: nearest-point distance mean %.3g, max %.3g (smallest gap between training points %.3g; %d of %d points reached)",
			final, mean, worst, gap, len(visited), n)
		if final {
			if worst > 1e-3 {
				t.Errorf("final denoiser: a sample ends %.3g from the nearest training point, want < 1e-3", worst)
			}
		} else {
			// Near a_μ at small t the drift is v ≈ −y/(2t) for y = x − a_μ e^{−t}, and
			// x(η) − a_μ e^{−η} ~ sqrt(Δ_η) z, z ~ N(0, I_d): the midpoint step to 0 multiplies
			// y by 1 − η/(2·η/2)·(1 − η/(4η)) = 1/4, so the mean distance is ¼ sqrt(Δ_η) E|z|,
			// E|z| = sqrt(2) Γ((d+1)/2)/Γ(d/2), to O(η).
			lg1, _ := math.Lgamma((d + 1) / 2.0)
			lg2, _ := math.Lgamma(d / 2.0)
			pred := 0.25 * math.Sqrt(-math.Expm1(-2*eta)) * math.Sqrt2 * math.Exp(lg1-lg2)
			t.Logf("no final denoiser: mean distance %.4f, predicted ¼ sqrt(Δ_η) E|z| = %.4f", mean, pred)
			if math.Abs(mean-pred) > 0.1*pred {
				t.Errorf("mean distance %.4f, want %.4f ± 10%%", mean, pred)
			}
		}
		if len(visited) < n/2 {
			t.Errorf("final=%v: only %d of %d training points reached", final, len(visited), n)
		}
	}
}

// nanAt is a score that is not finite at t = 1 (0·log(t − 1)) and, when sqrtX is set, for
// trajectories with a negative coordinate (sqrt(x)).
type nanAt struct {
	d     int
	sqrtX bool
}

func (s nanAt) Dim() int { return s.d }

func (s nanAt) Graph(x, t *graph.Node) *graph.Node {
	f := graph.Add(graph.Neg(x), graph.MulScalar(graph.Log(graph.SubScalar(t, 1)), 0))
	if s.sqrtX {
		f = graph.Add(f, graph.Sqrt(x))
	}
	return f
}

func TestBadInput(t *testing.T) {
	b := backend.MustDefault()
	g := gauss()
	for _, cfg := range []Config{{T: -1}, {T: math.Inf(1)}, {L: -3}, {Method: 7}} {
		if _, err := New(b, g, cfg); err == nil {
			t.Errorf("config %+v accepted", cfg)
		}
	}
	if _, err := New(nil, g, Config{}); err == nil {
		t.Error("nil backend accepted")
	}
	if _, err := New(b, nil, Config{}); err == nil {
		t.Error("nil score accepted")
	}
	in, err := New(b, g, Config{T: 2, L: 4})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := in.Run(make([]float32, 5), 0, 4); err == nil || !strings.Contains(err.Error(), "multiple of d = 4") {
		t.Errorf("bad state length: %v", err)
	}
	if _, err := in.Run(make([]float32, 4), 2, 1); err == nil {
		t.Error("reversed step range accepted")
	}
	if _, err := in.Run([]float32{0, float32(math.NaN()), 0, 0}, 0, 4); err == nil || !strings.Contains(err.Error(), "trajectory 0") {
		t.Errorf("NaN initial state: %v", err)
	}
	if _, err := in.Start(0); err == nil {
		t.Error("Start(0) accepted")
	}
	// The score is not finite at the grid time t = 1 (T = 2, η = 0.5): both methods stop there.
	x := []float32{1, 1, 1, 1, 2, 2, 2, 2}
	for _, m := range []Method{Euler, Heun} {
		in, err := New(b, nanAt{d: 4}, Config{T: 2, L: 4, Method: m})
		if err != nil {
			t.Fatal(err)
		}
		_, err = in.Run(x, 0, 4)
		if err == nil || !strings.Contains(err.Error(), "t = 1)") || !strings.Contains(err.Error(), "trajectory 0") {
			t.Errorf("%v: score NaN at t = 1: got %v", m, err)
		} else {
			t.Logf("%v: %v", m, err)
		}
	}
	// Trajectory 1 has a negative coordinate: sqrt(x) is NaN for it at the first step.
	in, err = New(b, nanAt{d: 4, sqrtX: true}, Config{T: 3, L: 4})
	if err != nil {
		t.Fatal(err)
	}
	_, err = in.Run([]float32{1, 1, 1, 1, 1, -1, 1, 1}, 0, 4)
	if err == nil || !strings.Contains(err.Error(), "t = 3)") || !strings.Contains(err.Error(), "trajectory 1") {
		t.Errorf("score NaN for trajectory 1 at t = 3: got %v", err)
	}
}

// Same seed, same initial noise and samples; another seed, other samples.
func TestSeeded(t *testing.T) {
	b := backend.MustDefault()
	run := func(seed int64) []float32 {
		in, err := New(b, gauss(), Config{T: 3, L: 30, Method: Heun, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		x, err := in.Sample(10)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	a, a2, c := run(1), run(1), run(2)
	for i := range a {
		if a[i] != a2[i] {
			t.Fatalf("same seed, different samples at %d: %v vs %v", i, a[i], a2[i])
		}
		if a[i] == c[i] {
			t.Fatalf("seeds 1 and 2 share the value %v at %d", a[i], i)
		}
	}
}

// The exact empirical score's host kernel (Kernel auto on the pure-Go backend) and its graph
// give the same ODE trajectories to float32 rounding, with both methods and the final denoiser.
func TestHostKernelMatchesGraph(t *testing.T) {
	const n, d, b = 40, 6, 50
	a := gaussianPoints(9, n, d)
	ds, _ := score.NewDataset(a, n, d, 0)
	s, _ := score.NewEmpirical(ds)
	if _, err := s.Host(); err != nil {
		t.Skipf("no host kernel: %v", err)
	}
	for _, m := range []Method{Euler, Heun} {
		var out [2][]float32
		for i, k := range []sde.Kernel{sde.KernelHost, sde.KernelGraph} {
			in, err := New(backend.MustDefault(), s, Config{T: 4, L: 60, Method: m, Seed: 3, FinalDenoise: true, Kernel: k})
			if err != nil {
				t.Fatal(err)
			}
			if in.Host() != (k == sde.KernelHost) {
				t.Fatalf("Kernel %s: Host() = %v", k, in.Host())
			}
			if out[i], err = in.Sample(b); err != nil {
				t.Fatal(err)
			}
		}
		var worst, scale float64
		for i := range out[0] {
			worst = max(worst, math.Abs(float64(out[0][i]-out[1][i])))
			scale = max(scale, math.Abs(float64(out[1][i])))
		}
		t.Logf("%v: max |host - graph| = %.2g (scale %.2g)", m, worst, scale)
		if worst > 1e-4*scale {
			t.Errorf("%v: host and graph ODE samples differ by %.3g (scale %.3g)", m, worst, scale)
		}
	}
	mix, _ := score.NewMixture([]float32{1, 1}, 1)
	if _, err := New(backend.MustDefault(), mix, Config{Kernel: sde.KernelHost}); err == nil || !strings.Contains(err.Error(), "no host kernel") {
		t.Errorf("Kernel host with a mixture score: %v", err)
	}
}
