package experiment

import (
	"math"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

// With the exact empirical score on n = 200 points in d = 32, trajectories commit to a class
// as the mixture posterior predicts (t_C < t_S, so the empirical score is the mixture's there)
// and end on a training point: the nearest point at t = 0 is at distance ≪ sqrt(d) σ.
func TestRunRegimes(t *testing.T) {
	b := backend.MustDefault()
	m := gmm.Mixture{D: 32, Mu: 1, Sigma: 1}
	r, err := RunRegimes(b, RegimesOptions{Mix: m, N: 200, Trajectories: 300, SDE: sde.Config{T: 8, L: 400, Seed: 3}, Every: 20, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.T) != 21 || r.T[0] != 8 || r.T[20] != 0 || len(r.Q[0]) != 300 || len(r.X) != 0 {
		t.Fatalf("recorded %d times from %g to %g, %d overlaps, %d states", len(r.T), r.T[0], r.T[len(r.T)-1], len(r.Q[0]), len(r.X))
	}
	class, classSE, point, _ := r.Commitment()
	for k, tt := range r.T {
		if tt > 2*r.TC {
			if c := m.Commitment(tt); math.Abs(class[k]-c) > 4*classSE[k]+0.04 {
				t.Errorf("t=%g: class commitment %.3f ± %.3f, mixture posterior %.3f", tt, class[k], classSE[k], c)
			}
		}
	}
	if point[len(point)-1] != 1 || !(point[0] < 0.1) {
		t.Errorf("point commitment from %.3f at T to %.3f at 0", point[0], point[len(point)-1])
	}
	each, mean, se := r.LastChange()
	if len(each) != 300 || !(mean > 0 && mean < r.TS) || !(se > 0) {
		t.Errorf("last change: mean %g ± %g (t_S %g)", mean, se, r.TS)
	}
	if _, err := r.PlaneSeries(5); err == nil {
		t.Error("PlaneSeries must refuse d = 32")
	}
	if s := r.OverlapSeries(4); len(s) != 4 || s[0].X[len(s[0].X)-1] <= 0 {
		t.Error("OverlapSeries must drop t = 0")
	}
	if _, err := RunRegimes(b, RegimesOptions{Mix: m, N: 1, Trajectories: 10, Every: 10, Seed: 1}); err == nil {
		t.Error("n = 1 must be an error")
	}
}

func TestRunRegimesPlane(t *testing.T) {
	cfg := sde.Config{T: 5, L: 1000, Seed: 1}
	r, err := RunRegimes(backend.MustDefault(), RegimesOptions{Mix: gmm.Mixture{D: 2, Mu: 2, Sigma: 0.7}, N: 12, Trajectories: 200, SDE: cfg, Every: 100, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	s, err := r.PlaneSeries(10)
	if err != nil || len(s) != 12 || len(s[11].X) != 12 || len(s[10].X) != 200 {
		t.Fatalf("plane series: %d, %v", len(s), err)
	}
	// Collapse at t = 0: the last step of eq. (55) maps x(η) to its training point a plus the
	// step's noise sqrt(2η) ξ, so in d = 2 the distance to the nearest point has the Rayleigh
	// mean sqrt(2η) sqrt(π/2) = sqrt(π η).
	last := r.X[len(r.X)-1]
	var sum float64
	for i := range 200 {
		best := math.Inf(1)
		for mu := range 12 {
			dx, dy := float64(last[2*i]-r.Data[2*mu]), float64(last[2*i+1]-r.Data[2*mu+1])
			best = math.Min(best, math.Hypot(dx, dy))
		}
		sum += best
	}
	eta := cfg.T / float64(cfg.L)
	if got, want := sum/200, math.Sqrt(math.Pi*eta); math.Abs(got-want) > 0.2*want {
		t.Errorf("mean distance of x(0) to the nearest training point %.4f, last-step noise gives %.4f", got, want)
	}
}
