package realdata

import (
	"strings"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/datasets"
	"github.com/diffregimes/diffregimes/pkg/numeric"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

// TestFiguresOnFashionMNIST runs the figure-level orchestration of Figures 5 and 11 on a tiny
// Fashion-MNIST training set and checks that every chart builds and the tables carry the rows.
func TestFiguresOnFashionMNIST(t *testing.T) {
	if ok, _ := datasets.DefaultSpec().Available(); !ok {
		t.Skip("Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)")
	}
	t.Setenv(DDPMEnv, t.TempDir()) // no route (b) checkpoint
	b := backend.MustDefault()
	cfg := sde.Config{T: 4, L: 30, K: 10, Seed: 1}
	missing := datasets.Spec{Name: datasets.MNISTName, Classes: []string{"0", "7"}, N: 40, Seed: 1}
	f5, err := Figure5(b, Figure5Options{Specs: append(FashionSpecs(40), missing), Collapse: CollapseOptions{
		Times: []float64{0.1, 2}, Pairs: 8, Samples: 8, EntropyTimes: []float64{0.1, 1, 3}, EntropySamples: 20, SDE: cfg}})
	if err != nil {
		t.Fatal(err)
	}
	if len(f5.Results) != 1 || f5.Results[0].N != 40 || f5.Results[0].D != 1024 {
		t.Fatalf("Figure5 results: %+v", f5.Results)
	}
	if ok, _ := missing.Available(); !ok && len(f5.Skipped) != 1 {
		t.Errorf("missing MNIST not reported as skipped: %v", f5.Skipped)
	}
	for _, c := range []interface{ Err() error }{f5.PhiCChart(), f5.HistogramChart(10), f5.EntropyChart()} {
		if err := c.Err(); err != nil {
			t.Error(err)
		}
	}
	if tab := f5.Table(); !strings.Contains(tab, "Fashion-MNIST 1/8 (empirical, n=40)") {
		t.Errorf("collapse table:\n%s", tab)
	}
	f11, err := Figure11(b, SamplesOptions{Specs: FashionSpecs(40), K: 4, Rows: 2, SDE: cfg})
	if err != nil {
		t.Fatal(err)
	}
	p := f11.Panels[0]
	if len(p.Images) != 4 || len(p.Grid) != 10 || len(p.SampleNN) != 4 || len(p.TrainNN) != 4 {
		t.Fatalf("panel sizes: %d images, %d grid, %d/%d distances", len(p.Images), len(p.Grid), len(p.SampleNN), len(p.TrainNN))
	}
	// The exact empirical score collapses: samples sit on training images (α = log 40/1024).
	if numeric.Median(p.SampleNN) > 0.1*numeric.Median(p.TrainNN) {
		t.Errorf("samples at median distance %g from the training set, spacing %g: no collapse", numeric.Median(p.SampleNN), numeric.Median(p.TrainNN))
	}
	if err := p.SamplesGrid(4).Err(); err != nil {
		t.Error(err)
	}
	if g := p.NeighboursGrid(); g.Err() != nil {
		t.Error(g.Err())
	}
	if !strings.Contains(f11.Table(), "| 40 | 4 |") {
		t.Errorf("samples table:\n%s", f11.Table())
	}
	f4 := &Figure4Result{Series: []*SpeciationResult{{Label: "x", Times: []float64{2, 1}, Ratios: []float64{2, 1},
		Phi: []clone.Estimate{{P: 0.5, Err: 0.1}, {P: 0.9, Err: 0.05}}}}}
	if err := f4.Chart().Err(); err != nil {
		t.Error(err)
	}
}
