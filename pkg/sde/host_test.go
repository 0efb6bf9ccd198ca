package sde

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/score"
)

// empirical returns the exact empirical score of n random points in d dimensions.
func empirical(t *testing.T, n, d int) *score.Empirical {
	t.Helper()
	r := rand.New(rand.NewPCG(5, 5))
	a := make([]float32, n*d)
	for i := range a {
		a[i] = float32(r.NormFloat64())
	}
	ds, err := score.NewDataset(a, n, d, 64)
	if err != nil {
		t.Fatal(err)
	}
	emp, err := score.NewEmpirical(ds)
	if err != nil {
		t.Fatal(err)
	}
	return emp
}

// The host kernel runs the same steps on the same noise draws as the step graph: the two
// trajectories agree to float32 rounding, for both methods and with the final denoiser, and
// the number of steps per call (which changes only the graph path) changes nothing.
func TestHostKernelMatchesGraph(t *testing.T) {
	emp := empirical(t, 150, 12)
	if _, err := emp.Host(); err != nil {
		t.Skipf("no host kernel: %v", err)
	}
	b := backend.MustDefault()
	if !backend.IsGo(b) {
		t.Skip("the host kernel is for the pure-Go backend")
	}
	for _, c := range []Config{
		{T: 4, L: 80, K: 7, Seed: 3},
		{T: 4, L: 80, K: 80, Seed: 3, Method: Exponential, FinalDenoise: true},
	} {
		hc, gc := c, c
		hc.Kernel, gc.Kernel = KernelHost, KernelGraph
		ih, err := New(b, emp, hc)
		if err != nil {
			t.Fatal(err)
		}
		ig, _ := New(b, emp, gc)
		if !ih.Host() || ig.Host() {
			t.Fatalf("Host() = %v with Kernel host, %v with Kernel graph", ih.Host(), ig.Host())
		}
		xh, _ := ih.Start(64)
		xg, _ := ig.Start(64)
		// Two runs over the range, to check that the stream continues across calls.
		if xh, err = ih.Run(xh, 0, 30); err == nil {
			xh, err = ih.Run(xh, 30, 80)
		}
		if err != nil {
			t.Fatal(err)
		}
		xg, _ = ig.Run(xg, 0, 30)
		xg, _ = ig.Run(xg, 30, 80)
		vh, vg := flat(t, xh), flat(t, xg)
		var worst, scale float64
		for i := range vh {
			worst = max(worst, math.Abs(float64(vh[i]-vg[i])))
			scale = max(scale, math.Abs(float64(vg[i])))
		}
		// Both paths round each step to float32 (relative 6e-8) with sums in different orders;
		// over 80 steps that is ~1e-5 of the scale, far below the O(1) differences of any
		// other noise draw, step or score.
		t.Logf("%s final denoise %v: max |host - graph| = %.2g (scale %.2g)", c.Method, c.FinalDenoise, worst, scale)
		if worst > 1e-4*scale {
			t.Errorf("%s: host and graph trajectories differ by %.3g (scale %.3g)", c.Method, worst, scale)
		}
	}
}

func TestHostKernelChoice(t *testing.T) {
	b := backend.MustDefault()
	mix := mixture(t, 4, 1, 1)
	if _, err := New(b, mix, Config{Kernel: KernelHost}); err == nil || !strings.Contains(err.Error(), "no host kernel") {
		t.Errorf("Kernel host with a mixture score: %v", err)
	}
	if in, err := New(b, mix, Config{}); err != nil || in.Host() {
		t.Errorf("Kernel auto with a mixture score: host %v, %v", in != nil && in.Host(), err)
	}
	emp := empirical(t, 20, 4)
	if _, err := New(b, emp, Config{Kernel: KernelHost, Noise: NoiseGraph}); err == nil || !strings.Contains(err.Error(), "noise drawn on the host") {
		t.Errorf("Kernel host with graph noise: %v", err)
	}
	if _, err := New(b, emp, Config{Kernel: Kernel(9)}); err == nil || !strings.Contains(err.Error(), "unknown kernel") {
		t.Errorf("Kernel 9: %v", err)
	}
	if _, herr := emp.Host(); herr == nil && backend.IsGo(b) {
		if in, _ := New(b, emp, Config{}); !in.Host() {
			t.Errorf("Kernel auto with the empirical score on the pure-Go backend does not use the host kernel")
		}
	}
}

// An observer with HostFused keeps an observed run on the host: the nearest indices μ*(t_k)
// of the host kernel equal those of the step graph (GraphNearest) at every step.
func TestHostKernelObserved(t *testing.T) {
	emp := empirical(t, 150, 12)
	h, err := emp.Host()
	if err != nil {
		t.Skipf("no host kernel: %v", err)
	}
	b := backend.MustDefault()
	obs := &Observer{Name: "nearest", Fused: emp.GraphNearest,
		HostFused: func(x []float32, t float64) ([]float32, []int32, error) {
			idx := make([]int32, len(x)/h.Dim())
			f, err := h.Score(x, t, idx)
			return f, idx, err
		}}
	var idx [2][]int32
	for i, k := range []Kernel{KernelHost, KernelGraph} {
		in, err := New(b, emp, Config{T: 4, L: 60, K: 8, Seed: 9, Kernel: k})
		if err != nil {
			t.Fatal(err)
		}
		x, _ := in.Start(40)
		_, o, err := in.RunObserved(x, 0, 60, obs)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range o {
			idx[i] = append(idx[i], flatInt(t, v)...)
		}
	}
	if len(idx[0]) != 60*40 || len(idx[1]) != 60*40 {
		t.Fatalf("observations: %d host, %d graph, want %d", len(idx[0]), len(idx[1]), 60*40)
	}
	var diff int
	for i := range idx[0] {
		if idx[0][i] != idx[1][i] {
			diff++
		}
	}
	if diff > 0 {
		t.Errorf("μ*(t_k) differs between host and graph at %d of %d (step, row)", diff, len(idx[0]))
	}
}

func flatInt(t *testing.T, x *tensors.Tensor) []int32 {
	t.Helper()
	v, err := tensors.CopyFlatData[int32](x)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// routeB is a score with a host kernel of its own (score.HostKernelScorer), like ddpm.Score.
type routeB struct{ score.Score }

func (routeB) HostKernel() (score.HostKernel, error) { return nil, fmt.Errorf("no library here") }

// TestHostKernelScorer: KernelAuto asks a HostKernelScorer and falls back to the graph when it
// has no kernel; KernelHost reports its reason; off the pure-Go backend Auto keeps the graph.
func TestHostKernelScorer(t *testing.T) {
	mix, err := score.NewMixture([]float32{1, 0, 0, 0}, 1)
	if err != nil {
		t.Fatal(err)
	}
	s := routeB{mix}
	if h, err := HostKernel(KernelAuto, s, true); h != nil || err != nil {
		t.Errorf("KernelAuto without a kernel: got (%v, %v), want the graph", h, err)
	}
	if _, err := HostKernel(KernelHost, s, true); err == nil || !strings.Contains(err.Error(), "no library here") {
		t.Errorf("KernelHost did not report the HostKernelScorer's reason: %v", err)
	}
}
