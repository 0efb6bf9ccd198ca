package sde

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/score"
)

// For the two-cluster mixture (eq. 54) the denoiser must be the closed-form posterior mean
// E[a | x(t) = x] of a ~ ½N(m, σ²I) + ½N(-m, σ²I), x(t) = e^{-t}a + sqrt(Δ_t)ξ: each component
// s = ±1 has weight ∝ N(x; s e^{-t}m, Γ_t I) and posterior mean s m + (σ²e^{-t}/Γ_t)(x - s e^{-t}m),
// Γ_t = σ²e^{-2t} + Δ_t (float64, from the Gaussian conjugacy, not from the score).
func TestDenoiseIsMixturePosteriorMean(t *testing.T) {
	const d, b, sigma = 8, 5, 0.6
	s := mixture(t, d, 0.8, sigma)
	ev, err := score.NewEvaluator(backend.MustDefault(), s)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, b*d)
	for i := range x {
		x[i] = float32(0.7 * r.NormFloat64())
	}
	for _, tt := range []float64{0.01, 0.2, 1, 3} {
		got, err := Denoise(ev, x, tt)
		if err != nil {
			t.Fatal(err)
		}
		e, delta := math.Exp(-tt), -math.Expm1(-2*tt)
		gamma := sigma*sigma*e*e + delta
		for i := range b {
			xi := x[i*d : (i+1)*d]
			var logw [2]float64 // log N(x; s e^{-t} m, Γ) up to a common constant, s = +1, -1
			for c, sgn := range []float64{1, -1} {
				for j := range d {
					r := float64(xi[j]) - sgn*e*float64(s.M[j])
					logw[c] -= r * r / (2 * gamma)
				}
			}
			mx := max(logw[0], logw[1])
			wp, wm := math.Exp(logw[0]-mx), math.Exp(logw[1]-mx)
			wp, wm = wp/(wp+wm), wm/(wp+wm)
			for j := range d {
				m := float64(s.M[j])
				post := func(sgn float64) float64 { return sgn*m + sigma*sigma*e/gamma*(float64(xi[j])-sgn*e*m) }
				want := wp*post(1) + wm*post(-1)
				if math.Abs(float64(got[i*d+j])-want) > 1e-4*(1+math.Abs(want)) {
					t.Fatalf("t=%g point %d coord %d: denoised %.6f, posterior mean %.6f", tt, i, j, got[i*d+j], want)
				}
			}
		}
	}
	if _, err := Denoise(ev, x, 0); err == nil || !strings.Contains(err.Error(), "t must be > 0") {
		t.Errorf("Denoise at t=0: err = %v", err)
	}
	if _, err := Denoise(ev, x[:3], 1); err == nil || !strings.Contains(err.Error(), "multiple of d") {
		t.Errorf("Denoise of 3 values: err = %v", err)
	}
	if _, err := Denoise(nil, x, 1); err == nil || !strings.Contains(err.Error(), "evaluator is nil") {
		t.Errorf("nil evaluator: err = %v", err)
	}
}

// clusterPoints returns n points in R^d of the mixture ±(1, ..., 1) + N(0, 0.25 I) (gmm).
func clusterPoints(n, d int, seed uint64) []float32 {
	a, _, err := gmm.Mixture{D: d, Mu: 1, Sigma: 0.5}.Sample(n, gmm.NewRand(seed))
	if err != nil {
		panic(err)
	}
	return a
}

// For the exact empirical score (eq. 2) the denoiser is the softmax-weighted mean of the
// training points (float64 loop), and at small t a point x = a_μ e^{-t} lands on a_μ.
func TestDenoiseIsEmpiricalSoftmaxMean(t *testing.T) {
	const n, d = 12, 9
	a := clusterPoints(n, d, 1)
	ds, err := score.NewDataset(a, n, d, 0)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := score.NewEmpirical(ds)
	ev, err := score.NewEvaluator(backend.MustDefault(), s)
	if err != nil {
		t.Fatal(err)
	}
	x := append([]float32(nil), a[:2*d]...)
	for j := range x {
		x[j] *= 0.7
	}
	for _, tt := range []float64{0.01, 0.3, 1.5} {
		got, err := Denoise(ev, x, tt)
		if err != nil {
			t.Fatal(err)
		}
		dec, delta := math.Exp(-tt), -math.Expm1(-2*tt)
		for i := range 2 {
			logw := make([]float64, n)
			mx := math.Inf(-1)
			for mu := range n {
				var s float64
				for j := range d {
					r := float64(x[i*d+j]) - dec*float64(a[mu*d+j])
					s += r * r
				}
				logw[mu] = -s / (2 * delta)
				mx = math.Max(mx, logw[mu])
			}
			var z float64
			for mu := range logw {
				logw[mu] = math.Exp(logw[mu] - mx)
				z += logw[mu]
			}
			for j := range d {
				var want float64
				for mu := range logw {
					want += logw[mu] / z * float64(a[mu*d+j])
				}
				if math.Abs(float64(got[i*d+j])-want) > 2e-3*(1+math.Abs(want)) {
					t.Fatalf("t=%g point %d coord %d: denoised %g, softmax mean %g", tt, i, j, got[i*d+j], want)
				}
			}
		}
	}
	const tt = 0.01
	on := make([]float32, d)
	for j := range on {
		on[j] = float32(math.Exp(-tt)) * a[3*d+j]
	}
	got, _ := Denoise(ev, on, tt)
	for j := range d {
		if math.Abs(float64(got[j]-a[3*d+j])) > 1e-4 {
			t.Fatalf("x = a_3 e^{-t}: denoised coord %d = %g, a_3 = %g", j, got[j], a[3*d+j])
		}
	}
}

// Config.FinalDenoise replaces only the last step: down to t = η the trajectories and the
// noise stream are those without it, the end point is Denoise of the state at η, and for the
// empirical score after collapse it sits on a training point, where the plain last step
// leaves it at distance ~ sqrt(2ηd).
func TestFinalDenoise(t *testing.T) {
	const n, d, batch, L = 6, 8, 16, 100
	a := clusterPoints(n, d, 2)
	ds, _ := score.NewDataset(a, n, d, 0)
	s, _ := score.NewEmpirical(ds)
	b := backend.MustDefault()
	ev, _ := score.NewEvaluator(b, s)
	for _, noise := range []Noise{NoiseHost, NoiseGraph} {
		for _, k := range []int{7, 10} { // the last call has 2 steps (L = 14·7 + 2), resp. 10
			cfg := Config{T: 2, L: L, K: k, Seed: 4, Noise: noise}
			plain, _ := New(b, s, cfg) // stopped at η
			full, _ := New(b, s, cfg)  // run to 0 with a last noisy step
			cfg.FinalDenoise = true
			den, err := New(b, s, cfg)
			if err != nil {
				t.Fatal(err)
			}
			xEta, err := plain.Run(start(t, plain, batch), 0, L-1)
			if err != nil {
				t.Fatal(err)
			}
			vx := flat(t, xEta)
			x1, _ := full.Run(start(t, full, batch), 0, L)
			y1, obs, err := den.RunObserved(start(t, den, batch), 0, L, timeObserver())
			if err != nil {
				t.Fatal(err)
			}
			steps := 0
			for _, o := range obs {
				steps += o.Shape().Dim(0)
			}
			if steps != L {
				t.Errorf("noise %d, K=%d: %d observations, want L = %d", noise, k, steps, L)
			}
			want, err := Denoise(ev, vx, den.Time(L-1))
			if err != nil {
				t.Fatal(err)
			}
			got := flat(t, y1)
			for i := range got {
				if math.Abs(float64(got[i])-float64(want[i])) > 1e-4*(1+math.Abs(float64(want[i]))) {
					t.Fatalf("noise %d, K=%d: final denoised %g, Denoise(x(η)) %g at %d", noise, k, got[i], want[i], i)
				}
			}
			xp := flat(t, x1)
			var distDen, distPlain []float64
			for i := range batch {
				distDen = append(distDen, nearestDist(a, n, d, got[i*d:(i+1)*d]))
				distPlain = append(distPlain, nearestDist(a, n, d, xp[i*d:(i+1)*d]))
			}
			slices.Sort(distDen)
			slices.Sort(distPlain)
			// A trajectory between two close training points may still carry a small weight on
			// the second one at η: the median, not the maximum, is ~0.
			noiseNorm := math.Sqrt(2 * plain.Eta() * d)
			if med := distDen[batch/2]; med > 1e-4 || distDen[batch-1] > 0.1*noiseNorm {
				t.Errorf("noise %d, K=%d: denoised distance to the nearest training point: median %.2g, max %.2g, want ~0", noise, k, med, distDen[batch-1])
			}
			if med := distPlain[batch/2]; med < 0.5*noiseNorm {
				t.Errorf("noise %d, K=%d: plain last step: median distance %.2g, want ~ sqrt(2ηd) = %.2g", noise, k, med, noiseNorm)
			}
			// The stream after the runs is the same with and without the option.
			sx, sy := flat(t, start(t, full, 2)), flat(t, start(t, den, 2))
			for i := range sx {
				if sx[i] != sy[i] {
					t.Fatalf("noise %d, K=%d: the noise stream diverged after a denoised run", noise, k)
				}
			}
		}
	}
}

func nearestDist(a []float32, n, d int, x []float32) float64 {
	best := math.Inf(1)
	for mu := range n {
		var s float64
		for j := range d {
			r := float64(x[j]) - float64(a[mu*d+j])
			s += r * r
		}
		best = min(best, s)
	}
	return math.Sqrt(best)
}

// timeObserver observes t_k for each trajectory.
func timeObserver() *Observer {
	return &Observer{Name: "t", Fn: func(x, t *graph.Node) *graph.Node {
		return graph.BroadcastToDims(t, x.Shape().Dim(0))
	}}
}

func start(t *testing.T, in *Integrator, b int) *tensors.Tensor {
	t.Helper()
	x, err := in.Start(b)
	if err != nil {
		t.Fatal(err)
	}
	return x
}
