package realdata

import (
	"math"
	"strings"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/flow"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

// With the exact score, the SDE's φ_U(t) of the forward-backward experiment has the law of
// the cloning protocol's φ(t) (pkg/roundtrip): the two agree within 3 combined standard errors
// at every time; the ODE keeps the class at small t (φ_U ≈ 1) and both crossings are found.
func TestFlowSpeciationSDEMatchesCloning(t *testing.T) {
	ds, m := clusters(64, 4, 0.7, 1, 3)
	e := mustExperiment(t, ds)
	class := clone.SignClass(m)
	ratios := []float64{0.2, 0.6, 1, 1.5, 2.5}
	cfg := sde.Config{T: 4, L: 80, K: 10, Seed: 2}
	const points = 600
	got, err := FlowSpeciation(e, class, FlowOptions{Ratios: ratios, Points: points, SDE: cfg,
		ODE: flow.Config{Method: flow.Heun}, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := Speciation(e, class, SpeciationOptions{Ratios: ratios, Pairs: points, SDE: cfg})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Times) != len(ratios) || got.Times[0] > got.Times[len(ratios)-1] {
		t.Fatalf("times %v: want %d increasing", got.Times, len(ratios))
	}
	for i := range got.Times {
		j := len(sp.Times) - 1 - i // Speciation's times are decreasing
		u, c := got.SDE[i], sp.Phi[j]
		t.Logf("t/t_S = %.2f: SDE φ_U = %.3f ± %.3f, cloning φ = %.3f ± %.3f, ODE φ_U = %.3f ± %.3f",
			got.Ratios[i], u.P, u.Err, c.P, c.Err, got.ODE[i].P, got.ODE[i].Err)
		if math.Abs(got.Times[i]-sp.Times[j]) > 1e-9 {
			t.Fatalf("time %d: %g vs cloning %g", i, got.Times[i], sp.Times[j])
		}
		if math.Abs(u.P-c.P) > math.Hypot(u.Err, c.Err) {
			t.Errorf("t/t_S = %.2f: SDE φ_U = %.3f ± %.3f, cloning φ = %.3f ± %.3f", got.Ratios[i], u.P, u.Err, c.P, c.Err)
		}
	}
	if got.ODE[0].P < 0.95 {
		t.Errorf("ODE φ_U(0.2 t_S) = %.3f, want ≈ 1", got.ODE[0].P)
	}
	if math.IsNaN(got.SDECrossing) || math.IsNaN(got.ODECrossing) {
		t.Errorf("crossings of 0.775: SDE %v, ODE %v", got.SDECrossing, got.ODECrossing)
	}
	for _, c := range []struct {
		opt  FlowOptions
		want string
	}{
		{FlowOptions{Points: 10, SDE: cfg}, "Ratios is empty"},
		{FlowOptions{Ratios: ratios, SDE: cfg}, "Points >= 1"},
		{FlowOptions{Ratios: []float64{100}, Points: 10, SDE: cfg}, "outside"},
	} {
		if _, err := FlowSpeciation(e, class, c.opt); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.opt, err, c.want)
		}
	}
}
