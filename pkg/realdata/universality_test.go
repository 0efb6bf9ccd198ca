package realdata

import (
	"math"
	"strings"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"

	"github.com/gomlx/compute"

	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/datasets"
	"github.com/diffregimes/diffregimes/pkg/sde"
	"github.com/diffregimes/diffregimes/pkg/spectrum"
)

// TestUniversalityCurve: on a linear φ(r) = 1 − r/4 with a constant 3-s.e. bar of 0.05, the
// crossing of 0.775 is r = 0.9 and the band's edges cross at 0.7 and 1.1 (linear
// interpolation is exact on a line); a curve that stays above the level has none.
func TestUniversalityCurve(t *testing.T) {
	mk := func(phi func(r float64) float64) *SpeciationResult {
		r := &SpeciationResult{Label: "line", TS: 1}
		for k := 10; k >= 1; k-- { // decreasing, as Speciation returns them
			x := 0.2 * float64(k)
			r.Ratios = append(r.Ratios, x)
			r.Phi = append(r.Phi, clone.Estimate{P: phi(x), Err: 0.05})
		}
		return r
	}
	c := NewUniversalityCurve(mk(func(r float64) float64 { return 1 - r/4 }), 0.99)
	for _, v := range []struct {
		name      string
		got, want float64
	}{{"crossing", c.Ratio, 0.9}, {"lo", c.Lo, 0.7}, {"hi", c.Hi, 1.1}, {"err", c.Err(), 0.2}} {
		if math.Abs(v.got-v.want) > 1e-12 {
			t.Errorf("%s = %.15g, want %g", v.name, v.got, v.want)
		}
	}
	flat := NewUniversalityCurve(mk(func(float64) float64 { return 0.95 }), 1)
	if !math.IsNaN(flat.Ratio) || !math.IsNaN(flat.Err()) {
		t.Errorf("flat curve: crossing %g ± %g, want NaN", flat.Ratio, flat.Err())
	}
	res := &UniversalityResult{Curves: []*UniversalityCurve{c, flat,
		NewUniversalityCurve(mk(func(r float64) float64 { return 1 - r/8 }), 1)}} // crosses at 1.8
	lo, hi, mean, sd, k := res.Spread()
	if k != 2 || math.Abs(lo-0.9) > 1e-12 || math.Abs(hi-1.8) > 1e-12 || math.Abs(mean-1.35) > 1e-12 ||
		math.Abs(sd-0.45*math.Sqrt2) > 1e-12 {
		t.Errorf("spread: [%g, %g] mean %g sd %g over %d, want [0.9, 1.8] mean 1.35 sd %g over 2", lo, hi, mean, sd, k, 0.45*math.Sqrt2)
	}
	if tab := res.Table(); !strings.Contains(tab, "| 0.900 | [0.700, 1.100] | 0.200 |") || !strings.Contains(tab, "over 2 curves: 0.900 to 1.800") {
		t.Errorf("table:\n%s", tab)
	}
}

// nearestMean labels a point by the nearer of the two class means of ds (centred pixels).
func nearestMean(b compute.Backend, spec datasets.Spec) (clone.ClassFunc, float64, error) {
	ds, err := datasets.Load(spec)
	if err != nil {
		return nil, 0, err
	}
	d := ds.D()
	mean := make([][]float64, 2)
	for c := range mean {
		mean[c] = make([]float64, d)
	}
	count := ds.ClassCounts()
	for i := range ds.N {
		for j, v := range ds.Row(i) {
			mean[ds.Labels[i]][j] += float64(v) / float64(count[ds.Labels[i]])
		}
	}
	return func(x []float32, n, d int) ([]int, error) {
		out := make([]int, n)
		for i := range n {
			var d0, d1 float64
			for j := range d {
				v := float64(x[i*d+j])
				d0 += (v - mean[0][j]) * (v - mean[0][j])
				d1 += (v - mean[1][j]) * (v - mean[1][j])
			}
			if d1 < d0 {
				out[i] = 1
			}
		}
		return out, nil
	}, 1, nil
}

// TestUniversalityOnFashionMNIST runs two Fashion-MNIST pairs and a missing set: Λ and t_S
// of each curve are those of its own data (an independent covariance), φ falls from ≈ 1
// at t = 0.05 t_S to ≈ 1/2 at 3 t_S, and the missing set is skipped with the reason.
func TestUniversalityOnFashionMNIST(t *testing.T) {
	if ok, _ := datasets.DefaultSpec().Available(); !ok {
		t.Skip("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)")
	}
	t.Setenv(DDPMEnv, t.TempDir()) // no route (b) checkpoint
	t.Setenv(datasets.EnvCache, t.TempDir())
	specs := UniversalitySpecs(60, 0)[1:3] // sandal/sneaker, bag/ankle boot
	if n := UniversalitySpecs(60, 1000)[3].N; n != 1000 {
		t.Errorf("nDefault: trouser/bag has n = %d", n)
	}
	missing := datasets.Spec{Name: datasets.MNISTName, Classes: []string{"0", "7"}, N: 40, Root: t.TempDir()}
	res, err := Universality(backend.MustDefault(), UniversalityOptions{Specs: append(specs, missing), Classifier: nearestMean,
		Speciation: SpeciationOptions{Ratios: []float64{0.05, 3}, Pairs: 64, SDE: sde.Config{T: 6, L: 40, K: 10, Seed: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Curves) != 2 || len(res.Skipped) != 1 || !strings.Contains(res.Skipped[0], "mnist not found") {
		t.Fatalf("%d curves, skipped %v", len(res.Curves), res.Skipped)
	}
	for i, c := range res.Curves {
		ds, _ := datasets.Load(specs[i])
		ch, _ := ds.Channel(0)
		cov, _ := spectrum.NewCovariance(ch, ds.N, 1024)
		lam, _ := cov.Lambda()
		if math.Abs(c.Lambda-lam) > 1e-9*lam || math.Abs(c.TS-0.5*math.Log(lam)) > 1e-9 || c.N != 60 {
			t.Errorf("%s: Λ = %g, t_S = %g, n = %d; want Λ = %g", c.Label, c.Lambda, c.TS, c.N, lam)
		}
		late, early := c.Phi[0], c.Phi[1] // times decreasing
		if early.P < 0.95 || math.Abs(late.P-0.5) > late.Err+0.05 {
			t.Errorf("%s: φ(0.05 t_S) = %.3f (want ≈ 1), φ(3 t_S) = %.3f ± %.3f (want ≈ 1/2)", c.Label, early.P, late.P, late.Err)
		}
		if math.IsNaN(c.Ratio) || c.Ratio < 0.05 || c.Ratio > 3 {
			t.Errorf("%s: crossing at t/t_S = %g", c.Label, c.Ratio)
		}
	}
	if err := res.Chart().Err(); err != nil {
		t.Error(err)
	}
}
