package roundtrip

import (
	"math"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/flow"
	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/nearest"
	"github.com/diffregimes/diffregimes/pkg/score"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

// With the exact empirical score of eq. (2), φ_{U,C}(t) = P(the endpoint's nearest training
// point is a) of the SDE equals the cloning protocol's φ_C(t) (same law, doc.go), within
// 3 s.e. of the difference of the two Monte Carlo estimates; the ODE's φ_{U,C} is logged
// beside them, with t_C of eq. (10).
func TestCollapseSDEMatchesCloning(t *testing.T) {
	if testing.Short() {
		t.Skip("three empirical-score runs of 600 trajectories: ~2.5 min on the shared 2-core machine")
	}
	const d, n, reps = 8, 100, 6
	mix := gmm.Mixture{D: d, Mu: 1, Sigma: 1}
	a, _, err := mix.Sample(n, gmm.NewRand(3))
	if err != nil {
		t.Fatal(err)
	}
	ds, err := score.NewDataset(a, n, d, 0)
	if err != nil {
		t.Fatal(err)
	}
	s, err := score.NewEmpirical(ds)
	if err != nil {
		t.Fatal(err)
	}
	b := backend.MustDefault()
	tr, err := nearest.New(b, ds)
	if err != nil {
		t.Fatal(err)
	}
	classes := map[string]clone.ClassFunc{"phiC": tr.ClassFunc()}
	tC, _ := mix.CollapseTime(n)
	times := []float64{0.5 * tC, tC, 2 * tC}
	in, err := sde.New(b, s, sde.Config{T: 3, L: 450, K: 25, Seed: 1, FinalDenoise: true})
	if err != nil {
		t.Fatal(err)
	}
	tiled := make([]float32, 0, reps*n*d)
	for range reps {
		tiled = append(tiled, a...)
	}
	rs, err := Run(SDE(in), tiled, reps*n, Options{Times: times, Seed: 4, Classes: classes})
	if err != nil {
		t.Fatal(err)
	}
	cl, err := clone.Run(in, clone.Options{Times: times, Pairs: reps * n, Classes: classes})
	if err != nil {
		t.Fatal(err)
	}
	fl, err := flow.New(b, s, flow.Config{T: 3, L: 450, Method: flow.Heun, FinalDenoise: true})
	if err != nil {
		t.Fatal(err)
	}
	ro, err := Run(ODE(fl), tiled, reps*n, Options{Times: times, Seed: 4, Classes: classes})
	if err != nil {
		t.Fatal(err)
	}
	for i, tt := range rs.Times {
		u, c, o := rs.Same["phiC"][i], cl.Same["phiC"][i], ro.Same["phiC"][i]
		bar := math.Hypot(u.Err, c.Err) // 3 s.e. of the difference
		t.Logf("t/t_C = %.2f (t_C = %.3f): SDE φ_{U,C} = %.3f ± %.3f, cloning φ_C = %.3f ± %.3f, ODE φ_{U,C} = %.3f ± %.3f",
			tt/tC, tC, u.P, u.Err, c.P, c.Err, o.P, o.Err)
		if math.Abs(u.P-c.P) > bar {
			t.Errorf("t = %.3f: φ_{U,C} = %.3f ± %.3f, φ_C = %.3f ± %.3f", tt, u.P, u.Err, c.P, c.Err)
		}
	}
}
