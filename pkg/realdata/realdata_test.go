package realdata

import (
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/datasets"
	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/numeric"
	"github.com/diffregimes/diffregimes/pkg/score"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

// TestLambdaOfTwoPoints: the covariance is normalised by n - 1, so for ±m, Λ = 2|m|².
func TestLambdaOfTwoPoints(t *testing.T) {
	d := 16
	ds := &datasets.Dataset{Name: "two points", N: 2, H: 4, W: 4, C: 1, X: make([]float32, 2*d), Labels: []int{0, 1}}
	m2 := 0.0
	for j := range d {
		v := 0.3 * float64(1+j%3)
		ds.X[j], ds.X[d+j] = float32(v), float32(-v)
		m2 += v * v
	}
	e := mustExperiment(t, ds)
	if !near(e.Lambda, 2*m2, 1e-6*m2) {
		t.Errorf("Λ of ±m = %g, want 2|m|² = %g", e.Lambda, 2*m2)
	}
	if !near(e.TS, 0.5*math.Log(2*m2), 1e-6) {
		t.Errorf("t_S = %g, want ½ log Λ = %g", e.TS, 0.5*math.Log(2*m2))
	}
}

// TestKNearestMatchesSort compares the k-nearest scan with a full sort of all distances.
func TestKNearestMatchesSort(t *testing.T) {
	ds, _ := clusters(40, 4, 0.3, 1, 2)
	e := mustExperiment(t, ds)
	q, _ := clusters(3, 4, 0.3, 1, 9)
	nb, err := e.KNearest(q.X, 4)
	if err != nil {
		t.Fatal(err)
	}
	d := e.D()
	for i := range 3 {
		type pair struct {
			mu int
			d  float64
		}
		var all []pair
		for mu := range e.N() {
			var s float64
			for j := range d {
				r := float64(q.X[i*d+j]) - float64(ds.X[mu*d+j])
				s += r * r
			}
			all = append(all, pair{mu, math.Sqrt(s)})
		}
		sort.Slice(all, func(a, b int) bool { return all[a].d < all[b].d })
		for j := range 4 {
			if nb.Index[i][j] != all[j].mu || !near(nb.Dist[i][j], all[j].d, 1e-9) {
				t.Fatalf("sample %d neighbour %d: got (%d, %g), sort gives (%d, %g)", i, j, nb.Index[i][j], nb.Dist[i][j], all[j].mu, all[j].d)
			}
		}
	}
	imgs, labels, err := e.NeighbourGrid(q.X, nb)
	if err != nil || len(imgs) != 15 || len(labels) != 15 || !strings.HasPrefix(labels[1], "μ1=") {
		t.Fatalf("NeighbourGrid: %d images, labels %v, err %v", len(imgs), labels, err)
	}
	if _, err := e.KNearest(q.X, 0); err == nil || !strings.Contains(err.Error(), "k = 0") {
		t.Errorf("k=0: err = %v", err)
	}
	if _, err := e.KNearest(q.X[:5], 1); err == nil || !strings.Contains(err.Error(), "multiple of d") {
		t.Errorf("bad x: err = %v", err)
	}
}

// TestCrossing interpolates known curves and reports curves that never reach the level.
func TestCrossing(t *testing.T) {
	var ts, p []float64
	for i := range 61 {
		tt := 3 - 0.05*float64(i)
		ts, p = append(ts, tt), append(p, 0.5+0.5*math.Exp(-tt))
	}
	got, err := numeric.Crossing(ts, p, 0.775)
	if want := -math.Log(0.55); err != nil || !near(got, want, 2e-3) {
		t.Errorf("Crossing = %g (%v), want %g", got, err, want)
	}
	if _, err := numeric.Crossing(ts, p, 1.5); err == nil {
		t.Error("Crossing found a level the curve never reaches")
	}
	if l := ZeroLevel(200); !near(l, math.Log(2)/math.Log(200), 1e-15) {
		t.Errorf("ZeroLevel(200) = %g", l)
	}
}

// TestSpeciationAndCollapseOnClusters runs Figures 4 and 5 on two well-separated clusters:
// φ goes from 1 (small t) towards 1/2 (t >> t_S), φ_C and the collapse diagnostics behave as
// the theory says, and the tables carry the numbers.
func TestSpeciationAndCollapseOnClusters(t *testing.T) {
	ds, m := clusters(32, 6, 1.0, 0.5, 4)
	e := mustExperiment(t, ds)
	// Λ ≈ |m|² = d for ±m clusters (plus the noise's top sample eigenvalue).
	if e.Lambda < float64(e.D()) || e.Lambda > 2*float64(e.D()) {
		t.Fatalf("Λ = %g, want about |m|² = %d", e.Lambda, e.D())
	}
	sign := clone.SignClass(m)
	cfg := sde.Config{T: 6, L: 120, K: 12, Seed: 1}
	sp, err := Speciation(e, sign, SpeciationOptions{Ratios: []float64{0.2, 0.6, 0.8, 1, 1.2, 1.5, 3}, Pairs: 200, SDE: cfg})
	if err != nil {
		t.Fatal(err)
	}
	early := len(sp.Phi) - 1 // ratio 0.2: times are decreasing
	if len(sp.Phi) != 7 || sp.Ratios[0] < sp.Ratios[early] {
		t.Fatalf("unexpected result layout: %+v", sp)
	}
	if sp.Phi[early].P < 0.97 {
		t.Errorf("φ(0.2 t_S) = %.3f, want ≈ 1", sp.Phi[early].P)
	}
	if sp.Phi[0].P > 0.7 { // ratio 3
		t.Errorf("φ(3 t_S) = %.3f ± %.3f, want ≈ 1/2", sp.Phi[0].P, sp.Phi[0].Err)
	}
	// The measured t_S against the same reading of eq. (6) for the mixture the clusters are
	// drawn from (t ≫ t_C here, where the empirical score follows the mixture's), on the same
	// time grid: within 4 standard errors of φ at the crossing, turned into time by the slope
	// of eq. (6) there.
	mix := gmm.Mixture{D: e.D(), Mu: 1, Sigma: 0.5}
	theory := make([]float64, len(sp.Times))
	for i, tt := range sp.Times {
		theory[i] = mix.Phi(tt)
	}
	want, err := numeric.Crossing(sp.Times, theory, clone.SpeciationLevel)
	if err != nil {
		t.Fatal(err)
	}
	k := 0
	for k+2 < len(sp.Times) && sp.Times[k+1] > want {
		k++
	}
	slope := math.Abs(theory[k]-theory[k+1]) / (sp.Times[k] - sp.Times[k+1])
	seT := math.Max(sp.Phi[k].Err, sp.Phi[k+1].Err) / 3 / slope
	if math.IsNaN(sp.TSMeasured) || math.Abs(sp.TSMeasured-want) > 4*seT {
		t.Errorf("measured t_S = %.3f, eq. (6) on the same grid %.3f ± %.3f (1 s.e.); ½ log Λ = %.3f", sp.TSMeasured, want, seT, e.TS)
	}
	co, err := Collapse(e, CollapseOptions{Times: []float64{0.02, 3}, Pairs: 100, Samples: 64,
		EntropyTimes: []float64{0.02, 0.2, 0.5, 1, 2, 4}, EntropySamples: 400, SDE: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if co.PhiC[1].P < 0.95 { // t = 0.02
		t.Errorf("φ_C(0.02) = %.3f, want ≈ 1 (collapsed)", co.PhiC[1].P)
	}
	if co.PhiC[0].P > 0.3 { // t = 3
		t.Errorf("φ_C(3) = %.3f, want ≈ 1/n", co.PhiC[0].P)
	}
	if med := numeric.Median(co.FinalDist); med > 0.05 {
		t.Errorf("median final distance to μ* = %g: samples did not collapse on training points", med)
	}
	if !(co.TCBar > 0 && co.TCBar < cfg.T) || len(co.LastChange) != 64 {
		t.Errorf("t̄_C = %g from %d samples", co.TCBar, len(co.LastChange))
	}
	last := co.FeOverAlpha[len(co.FeOverAlpha)-1]
	if !near(last.Value, 1, 0.05) || co.FeOverAlpha[0].Value > 0.01 {
		t.Errorf("f^e/α: %.3f at t=4 (want 1), %.4f at t=0.02 (want 0)", last.Value, co.FeOverAlpha[0].Value)
	}
	if math.IsNaN(co.TCEntropy) {
		t.Error("f^e/α never reached its zero level")
	}
	for _, tab := range []string{SpeciationTable(sp), CollapseTable(co)} {
		if !strings.Contains(tab, "clusters (empirical, n=32)") || strings.Count(tab, "\n") != 3 {
			t.Errorf("table:\n%s", tab)
		}
	}
	x, err := e.Generate(3, cfg)
	if err != nil || len(x) != 3*e.D() {
		t.Fatalf("Generate: %d values, err %v", len(x), err)
	}
}

// TestBadInput: errors name the argument.
func TestBadInput(t *testing.T) {
	ds, m := clusters(8, 3, 1, 0.5, 5)
	e := mustExperiment(t, ds)
	b := e.Backend()
	one := &datasets.Dataset{Name: "one", N: 1, H: 3, W: 3, C: 1, X: make([]float32, 9), Labels: []int{0}}
	other, _ := clusters(4, 2, 1, 0.5, 5)
	pts, _ := score.NewDataset(other.X, 4, 4, 0)
	wrongDim, _ := score.NewEmpirical(pts)
	for _, tc := range []struct {
		err  error
		want string
	}{
		{func() error { _, err := NewEmpirical(nil, "x", ds); return err }(), "backend is nil"},
		{func() error { _, err := NewEmpirical(b, "x", nil); return err }(), "dataset is nil"},
		{func() error { _, err := NewEmpirical(b, "x", one); return err }(), "n >= 2"},
		{func() error { _, err := New(b, "x", RouteDDPM, ds, wrongDim); return err }(), "dimension 4"},
		{func() error {
			_, err := Speciation(e, clone.SignClass(m), SpeciationOptions{Ratios: []float64{100}, Pairs: 2, SDE: sde.Config{T: 5, L: 10}})
			return err
		}(), "Ratios[0] = 100"},
		{func() error { _, err := Speciation(e, nil, SpeciationOptions{Ratios: []float64{1}}); return err }(), "class function is nil"},
		{func() error {
			_, err := Collapse(e, CollapseOptions{EntropyTimes: []float64{0}, EntropySamples: 10})
			return err
		}(), "t must be > 0"},
		{func() error {
			_, err := Collapse(e, CollapseOptions{EntropyTimes: []float64{1}, EntropySamples: 1})
			return err
		}(), "n' must be >= 2"},
		{func() error { _, err := e.Generate(2, sde.Config{T: 1, L: 1}); return err }(), "L >= 2"},
	} {
		if tc.err == nil || !strings.Contains(tc.err.Error(), tc.want) {
			t.Errorf("got error %v, want one mentioning %q", tc.err, tc.want)
		}
	}
}

// TrainingSpacing returns the distance to the nearest other image (brute force in float64).
func TestTrainingSpacing(t *testing.T) {
	ds, _ := clusters(6, 3, 1, 0.5, 8)
	e := mustExperiment(t, ds)
	sp, err := e.TrainingSpacing(6)
	if err != nil || len(sp) != 6 {
		t.Fatalf("TrainingSpacing = %v, %v", sp, err)
	}
	d := e.D()
	for i, got := range sp {
		want := math.Inf(1)
		for mu := range e.N() {
			if mu == i {
				continue
			}
			var s float64
			for j := range d {
				r := float64(ds.X[i*d+j]) - float64(ds.X[mu*d+j])
				s += r * r
			}
			want = math.Min(want, math.Sqrt(s))
		}
		if math.Abs(got-want) > 1e-4*want {
			t.Errorf("image %d: spacing %g, brute force %g", i, got, want)
		}
	}
}
