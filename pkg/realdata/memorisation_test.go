package realdata

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/ml/model"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/datasets"
	"github.com/diffregimes/diffregimes/pkg/ddpm"
	"github.com/diffregimes/diffregimes/pkg/sde"
	"github.com/diffregimes/diffregimes/pkg/unet"
)

// TestDownsample compares with block averages computed by hand.
func TestDownsample(t *testing.T) {
	ds := &datasets.Dataset{Name: "d", N: 1, H: 2, W: 4, C: 2, Labels: []int{0}, Mean: []float32{0.1, 0.2},
		X: []float32{1, 10, 2, 20, 3, 30, 4, 40, 5, 50, 6, 60, 7, 70, 8, 80}}
	got, err := Downsample(ds, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Block (0,0): pixels (0,0),(0,1),(1,0),(1,1) = 1,2,5,6 (channel 0) and 10,20,50,60 (channel 1).
	want := []float32{3.5, 35, 5.5, 55}
	if got.H != 1 || got.W != 2 || !slices.Equal(got.X, want) || !slices.Equal(got.Mean, ds.Mean) {
		t.Fatalf("Downsample = %dx%d %v, want 1x2 %v", got.H, got.W, got.X, want)
	}
	if _, err := Downsample(ds, 3); err == nil {
		t.Error("factor 3 of 2x4 accepted")
	}
}

// TestMemorisationFit: logSteps is log-spaced and ends at the last step; the fit of τ = 3 + 2n
// recovers slope 2, intercept 3 and zero error; τ ∝ n has log-log slope 1.
func TestMemorisationFit(t *testing.T) {
	if s := logSteps(10, 1000, 3); !slices.Equal(s, []int{10, 100, 1000}) {
		t.Errorf("logSteps = %v", s)
	}
	r := &MemorisationResult{}
	for _, n := range []int{16, 32, 64, 128} {
		r.Curves = append(r.Curves, &MemorisationCurve{N: n, TauMem: 3 + 2*float64(n)})
	}
	r.Curves = append(r.Curves, &MemorisationCurve{N: 256, TauMem: math.NaN()}) // not reached: left out
	r.fit()
	if !near(r.Slope, 2, 1e-9) || !near(r.Intercept, 3, 1e-9) || !(r.SlopeErr < 1e-6) {
		t.Errorf("fit: slope %g ± %g, intercept %g", r.Slope, r.SlopeErr, r.Intercept)
	}
	for _, c := range r.Curves[:4] {
		c.TauMem = 7 * float64(c.N)
	}
	r.fit()
	if !near(r.LogSlope, 1, 1e-9) {
		t.Errorf("log-log slope of τ ∝ n: %g", r.LogSlope)
	}
}

// TestDenoisingLossUntrained: a fresh U-Net predicts ξ_θ = 0 (its output layer starts at zero),
// so the loss of eq. (60) is the mean of ξ² per pixel, 1 within four standard errors, and the
// same seed gives the same number.
func TestDenoisingLossUntrained(t *testing.T) {
	ds, _ := clusters(24, 8, 1, 0.5, 2)
	cfg := unet.Tiny(8, 1)
	m, err := unet.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	store := model.NewStore()
	store.SetParam(unet.ParamSeedKey, cfg.Seed)
	sched, err := ddpm.ScaledSchedule(20)
	if err != nil {
		t.Fatal(err)
	}
	mean, se, err := DenoisingLoss(backend.MustDefault(), m, store, sched, ds.X, ds.N, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !(se > 0) || math.Abs(mean-1) > 4*se {
		t.Errorf("untrained loss %g ± %g, want 1", mean, se)
	}
	again, _, err := DenoisingLoss(backend.MustDefault(), m, store, sched, ds.X, ds.N, 3, 1)
	if err != nil || again != mean {
		t.Errorf("same seed: %g then %g (%v)", mean, again, err)
	}
	if _, _, err := DenoisingLoss(backend.MustDefault(), m, store, sched, ds.X[:10], ds.N, 1, 1); err == nil {
		t.Error("a short image slice accepted")
	}
}

// TestMemorisationBadSchedule: an explicit schedule that is too short, not increasing or
// repeats a step is refused before anything is loaded or trained, naming the schedule.
func TestMemorisationBadSchedule(t *testing.T) {
	for _, s := range [][]int{{100}, {0, 10}, {10, 5}, {10, 10, 20}} {
		_, err := MemorisationOverTraining(nil, MemorisationOptions{Ns: []int{4}, Schedule: s, Samples: 1})
		if err == nil || !strings.Contains(err.Error(), "Schedule") {
			t.Errorf("Schedule %v: err = %v", s, err)
		}
	}
}

// TestMemorisationSkipsStepsTrainedPast: a second call with another schedule on the same cached
// training measures the checkpoints it finds, trains on from the last one, and leaves out (in
// Skipped) a step that the first call trained past without keeping, instead of failing.
func TestMemorisationSkipsStepsTrainedPast(t *testing.T) {
	if ok, _ := datasets.DefaultSpec().Available(); !ok {
		t.Skip("Fashion-MNIST not installed (kernels/setup.sh)")
	}
	opt := MemorisationOptions{
		Spec: datasets.DefaultSpec(), Ns: []int{4}, Pool: 4,
		Model: unet.Tiny(8, 1).WithBase(4).WithGroups(2), Train: ddpm.TrainConfig{Batch: 4, LearningRate: 1e-3, Seed: 1},
		L: 10, Schedule: []int{2, 4}, Samples: 2, SDE: sde.Config{T: 2, L: 10, K: 5, Seed: 1}, HeldOut: 4, Dir: t.TempDir(),
	}
	first, err := MemorisationOverTraining(backend.MustDefault(), opt)
	if err != nil {
		t.Fatal(err)
	}
	if c := first.Curves[0]; !slices.Equal(c.Steps, []int{2, 4}) || c.Skipped != nil {
		t.Fatalf("first call: steps %v, skipped %v", c.Steps, c.Skipped)
	}
	opt.Schedule = []int{3, 4, 6}
	second, err := MemorisationOverTraining(backend.MustDefault(), opt)
	if err != nil {
		t.Fatal(err)
	}
	c := second.Curves[0]
	if !slices.Equal(c.Steps, []int{4, 6}) || !slices.Equal(c.Skipped, []int{3}) || len(c.FMem) != 2 || len(c.MedianRatio) != 2 {
		t.Fatalf("second call: steps %v, skipped %v, %d f_mem, %d ratios", c.Steps, c.Skipped, len(c.FMem), len(c.MedianRatio))
	}
	// The checkpoint of step 4 is the first call's: the same measurement.
	if c.TrainLoss[0] != first.Curves[0].TrainLoss[1] || c.MedianRatio[0] != first.Curves[0].MedianRatio[1] {
		t.Errorf("step 4 measured %g / %g, first call %g / %g", c.TrainLoss[0], c.MedianRatio[0],
			first.Curves[0].TrainLoss[1], first.Curves[0].MedianRatio[1])
	}
}
