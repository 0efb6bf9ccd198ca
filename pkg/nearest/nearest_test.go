package nearest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/numeric"
	"github.com/diffregimes/diffregimes/pkg/score"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

// mixtureData draws n points of the mixture ±(1, ..., 1) + N(0, I) (gmm.Mixture.Rand) from r.
func mixtureData(r *rand.Rand, n, d int) []float32 {
	a, _, err := gmm.Mixture{D: d, Mu: 1, Sigma: 1}.Sample(n, r)
	if err != nil {
		panic(err)
	}
	return a
}

func TestNearestMatchesBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	const n, d, b = 500, 24, 40
	a := mixtureData(r, n, d)
	ds, _ := score.NewDataset(a, n, d, 64)
	tr, err := New(backend.MustDefault(), ds)
	if err != nil {
		t.Fatal(err)
	}
	x := mixtureData(r, b, d)
	for _, tt := range []float64{0, 0.3, 2} {
		idx, dist, err := tr.Nearest(x, tt)
		if err != nil {
			t.Fatal(err)
		}
		e := math.Exp(-tt)
		for i := range b {
			best, bestD := -1, math.Inf(1)
			for mu := range n {
				var s float64
				for j := range d {
					v := float64(x[i*d+j]) - e*float64(a[mu*d+j])
					s += v * v
				}
				if s < bestD {
					best, bestD = mu, s
				}
			}
			if idx[i] != best && math.Abs(dist[i]-math.Sqrt(bestD)) > 1e-4 {
				t.Errorf("t=%g point %d: μ* = %d (dist %.5f), brute force %d (dist %.5f)", tt, i, idx[i], dist[i], best, math.Sqrt(bestD))
			}
			if math.Abs(dist[i]-math.Sqrt(bestD)) > 1e-4 {
				t.Errorf("t=%g point %d: distance %.6f, want %.6f", tt, i, dist[i], math.Sqrt(bestD))
			}
		}
	}
	if _, _, err := tr.Nearest(x, -1); err == nil || !strings.Contains(err.Error(), "t must be") {
		t.Errorf("t < 0: %v", err)
	}
	if _, _, err := tr.Nearest(x[:5], 0); err == nil || !strings.Contains(err.Error(), "multiple of d") {
		t.Errorf("ragged x: %v", err)
	}
}

// With the exact empirical score and few data (d = 8, n = 64: t_C = 0.21 from eq. 10), every
// trajectory collapses onto a training point: the final distance is the small residual noise,
// the tracked index ends on that point, and the last change of μ* happens at a time of order
// t_C. Cloning gives φ_C ≈ 1 well below t_C and φ_C ≪ 1 well above it.
func TestCollapseOnEmpiricalScore(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	const n, d, b = 64, 8, 300
	ds, _ := score.NewDataset(mixtureData(r, n, d), n, d, 0)
	emp, _ := score.NewEmpirical(ds)
	bk := backend.MustDefault()
	in, err := sde.New(bk, emp, sde.Config{T: 5, L: 500, K: 50, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	tr, _ := New(bk, ds)
	tk, err := tr.Track(in, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(tk.Index) != 501 || len(tk.Times) != 501 || tk.Times[500] != 0 {
		t.Fatalf("tracks: %d indices, %d times", len(tk.Index), len(tk.Times))
	}
	tC, _ := gmm.Mixture{D: d, Mu: 1, Sigma: 1}.CollapseTime(n)
	var maxDist float64
	for i := range b {
		maxDist = max(maxDist, tk.FinalDist[i])
		if int(tk.Index[499][i]) != tk.Final[i] {
			t.Errorf("trajectory %d: μ*(η) = %d but μ*(0) = %d", i, tk.Index[499][i], tk.Final[i])
		}
	}
	// One last step of eq. (55) leaves noise of variance 2η per coordinate: |x - a| ~ sqrt(2ηd).
	if lim := 3 * math.Sqrt(2*in.Eta()*d); maxDist > lim {
		t.Errorf("largest final distance %.3f, want < %.3f (collapse)", maxDist, lim)
	}
	// The mean of t̂_C is checked against an independent computation: the same dynamics (eq. 55,
	// exact empirical score) and the same μ*(t) written as plain float64 loops on their own
	// noise stream; the two means agree within 3 combined standard errors.
	mean, se := numeric.MeanSE(tk.LastChange)
	want, wantSE := refMeanLastChange(ds, 5, 500, b)
	t.Logf("mean t̂_C = %.3f ± %.3f, float64 loops %.3f ± %.3f, eq. (10) t_C = %.3f, max final distance %.3f",
		mean, se, want, wantSE, tC, maxDist)
	if lim := 3 * math.Hypot(se, wantSE); math.Abs(mean-want) > lim {
		t.Errorf("mean t̂_C = %.3f ± %.3f, float64 loops %.3f ± %.3f: differ by more than 3 s.e. = %.3f", mean, se, want, wantSE, lim)
	}

	res, err := clone.Run(in, clone.Options{Times: []float64{0.02, 3}, Pairs: 300,
		Classes: map[string]clone.ClassFunc{"phi_C": tr.ClassFunc()}})
	if err != nil {
		t.Fatal(err)
	}
	low, high := res.Same["phi_C"][1], res.Same["phi_C"][0] // times sorted decreasing
	t.Logf("φ_C(0.02) = %.3f ± %.3f, φ_C(3) = %.3f ± %.3f", low.P, low.Err, high.P, high.Err)
	if low.P < 0.95 || high.P > 0.2 {
		t.Errorf("φ_C(0.02) = %.3f (want ≈ 1), φ_C(3) = %.3f (want ≪ 1)", low.P, high.P)
	}
}

// refMeanLastChange runs b trajectories of eq. (55) with the exact empirical score of ds from
// T to 0 in L steps, in float64 loops (log-sum-exp weights), records the nearest training
// point μ*(t_k) before each step and at t = 0, and returns the mean and standard error of the
// last time μ* changes (the midpoint rule of LastChange).
func refMeanLastChange(ds *score.Dataset, T float64, L, b int) (mean, se float64) {
	n, d := ds.N(), ds.Dim()
	a := ds.Flat()
	eta := T / float64(L)
	r := rand.New(rand.NewPCG(99, 99))
	nearestAt := func(x []float64, t float64) (int, []float64) {
		e := math.Exp(-t)
		dist := make([]float64, n)
		best := 0
		for mu := range n {
			var s float64
			for j := range d {
				v := x[j] - e*float64(a[mu*d+j])
				s += v * v
			}
			dist[mu] = s
			if s < dist[best] {
				best = mu
			}
		}
		return best, dist
	}
	last := make([]float64, b)
	x := make([]float64, d)
	for i := range b {
		for j := range x {
			x[j] = r.NormFloat64()
		}
		prev, lastT := -1, T
		for k := range L {
			t := T - float64(k)*eta
			mu, dist := nearestAt(x, t)
			if prev >= 0 && mu != prev {
				lastT = t + eta/2
			}
			prev = mu
			delta := -math.Expm1(-2 * t)
			w := make([]float64, n)
			m := math.Inf(-1)
			for nu := range n {
				w[nu] = -dist[nu] / (2 * delta)
				m = max(m, w[nu])
			}
			var z float64
			for nu := range n {
				w[nu] = math.Exp(w[nu] - m)
				z += w[nu]
			}
			e := math.Exp(-t)
			for j := range d {
				var mean float64
				for nu := range n {
					mean += w[nu] * e * float64(a[nu*d+j])
				}
				f := (mean/z - x[j]) / delta
				x[j] += eta*(x[j]+2*f) + math.Sqrt(2*eta)*r.NormFloat64()
			}
		}
		if mu, _ := nearestAt(x, 0); mu != prev {
			lastT = eta / 2
		}
		last[i] = lastT
	}
	return numeric.MeanSE(last)
}

func ExampleLastChange() {
	// μ*(t_k) of two trajectories on t = 3, 2, 1, 0: the first settles between t = 2 and 1.
	index := [][]int32{{4, 7}, {5, 7}, {2, 7}, {2, 7}}
	fmt.Println(LastChange(index, []float64{3, 2, 1, 0}))
	// Output: [1.5 3]
}

// plain hides the WithNearest (and WithStore) methods of a score.
type plain struct{ score.Score }

// Tracking with the empirical score reuses its logits (score.WithNearest); the separate
// observer graph must give the same trajectories and the same μ*(t).
func TestFusedTrackingMatchesSeparate(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	const n, d, b = 40, 6, 50
	ds, _ := score.NewDataset(mixtureData(r, n, d), n, d, 16)
	emp, _ := score.NewEmpirical(ds)
	bk := backend.MustDefault()
	tr, _ := New(bk, ds)
	if tr.Observer(emp).Fused == nil || tr.Observer(plain{emp}).Fused != nil {
		t.Fatal("Observer must fuse exactly for the empirical score of the same dataset")
	}
	run := func(s score.Score) *Tracks {
		in, err := sde.New(bk, s, sde.Config{T: 3, L: 60, K: 20, Seed: 8, Kernel: sde.KernelGraph}) // the graph fusion under test
		if err != nil {
			t.Fatal(err)
		}
		tk, err := tr.Track(in, b)
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
	fused, sep := run(emp), run(plain{emp})
	for i := range fused.X {
		if fused.X[i] != sep.X[i] {
			t.Fatalf("final points differ at %d: %v vs %v", i, fused.X[i], sep.X[i])
		}
	}
	diff := 0
	for k := range fused.Index {
		for i := range b {
			if fused.Index[k][i] != sep.Index[k][i] {
				diff++
			}
		}
	}
	if diff > len(fused.Index)*b/1000 {
		t.Errorf("fused and separate μ*(t) differ in %d of %d entries", diff, len(fused.Index)*b)
	}
}
