package ddpm

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"

	"github.com/diffregimes/diffregimes/pkg/ou"
	"github.com/diffregimes/diffregimes/pkg/unet"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// weights copies the float32 trainable variables of /unet (path → values).
func weights(t *testing.T, s *model.Store, prefix string) map[string][]float32 {
	t.Helper()
	out := map[string][]float32{}
	for v := range s.IterVariables() {
		p := v.Path()
		if strings.HasPrefix(p, prefix) && v.DType().String() == "Float32" && (prefix != "/unet/" || v.Trainable) {
			out[strings.TrimPrefix(p, prefix)] = tensors.MustCopyFlatData[float32](v.MustValue())
		}
	}
	return out
}

func newTiny(t *testing.T, tc TrainConfig, dir string) *Trainer {
	t.Helper()
	tr, err := NewTrainer(backend.MustDefault(), tinyConfig(), tc, ou.PaperSchedule(), tinyData(10), dir)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestEMAIsTheMovingAverageOfTheWeights recomputes the EMA in float64 from the raw weights
// after each step, ema_s = d_s·ema_{s-1} + (1-d_s)·θ_s with d_s = EMADecay(s), and compares it
// with the trainer's /ema variables and with EMAStore.
func TestEMAIsTheMovingAverageOfTheWeights(t *testing.T) {
	tc := tinyTrain()
	tc.EMARate = 0.8
	tr := newTiny(t, tc, "")
	want := map[string][]float64{}
	const steps = 6
	for s := 1; s <= steps; s++ {
		if err := tr.Train(s); err != nil {
			t.Fatal(err)
		}
		d := tc.EMADecay(s)
		for k, w := range weights(t, tr.Store(), "/unet/") {
			if want[k] == nil {
				want[k] = make([]float64, len(w))
			}
			for i, x := range w {
				want[k][i] = d*want[k][i] + (1-d)*float64(x)
			}
		}
	}
	if d := tc.EMADecay(1); d != 0 {
		t.Errorf("EMADecay(1) = %g, want 0 (the average starts at the weights)", d)
	}
	if d := tc.EMADecay(1000); d != 0.8 {
		t.Errorf("EMADecay(1000) = %g, want the rate 0.8", d)
	}
	got := weights(t, tr.Store(), "/"+EMAScope+"/unet/")
	if len(got) != len(want) || len(got) == 0 {
		t.Fatalf("%d EMA variables for %d trainable ones", len(got), len(want))
	}
	ema, err := tr.EMAStore()
	if err != nil {
		t.Fatal(err)
	}
	viaStore := weights(t, ema, "/unet/")
	var worst float64
	for k, w := range want {
		for i := range w {
			e := math.Abs(float64(got[k][i]) - w[i])
			worst = max(worst, e/(1e-3+math.Abs(w[i])))
			if e > 1e-5*(1+math.Abs(w[i])) {
				t.Fatalf("EMA of %s[%d] = %v, recomputed %v", k, i, got[k][i], w[i])
			}
			if viaStore[k][i] != got[k][i] {
				t.Fatalf("EMAStore %s[%d] = %v, /ema holds %v", k, i, viaStore[k][i], got[k][i])
			}
		}
	}
	t.Logf("largest relative difference %.2g (float32 rounding)", worst)
}

// firstStepChange trains one step with tc and returns max |Δθ| over the trainable weights.
func firstStepChange(t *testing.T, tc TrainConfig) (maxDelta float64, gradNorm float32) {
	t.Helper()
	tr := newTiny(t, tc, "")
	// Step 0 builds the variables: read the initial values through a fresh trainer's store
	// after its graph is built, by training 0 → 1 and comparing with the initialisation of an
	// identical model (the initialisation is a function of the seed only).
	var norm float32
	tr.Progress = func(r Report) { norm = r.GradNorm }
	if err := tr.Train(1); err != nil {
		t.Fatal(err)
	}
	init := initialWeights(t)
	for k, w := range weights(t, tr.Store(), "/unet/") {
		for i := range w {
			maxDelta = max(maxDelta, math.Abs(float64(w[i])-float64(init[k][i])))
		}
	}
	return maxDelta, norm
}

// initialWeights builds the tiny model's variables without training them.
func initialWeights(t *testing.T) map[string][]float32 {
	t.Helper()
	s := model.NewStore()
	s.SetParam(unet.ParamSeedKey, tinyConfig().Seed)
	m, err := unet.New(tinyConfig())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Sample(backend.MustDefault(), m, s, ScaledScheduleMust(2), 1, 1); err != nil {
		t.Fatal(err)
	}
	return weights(t, s, "/unet/")
}

func ScaledScheduleMust(L int) *ou.Schedule {
	s, err := ScaledSchedule(L)
	if err != nil {
		panic(err)
	}
	return s
}

// TestWarmupAndClipping checks both against Adam's first step, Δθ = -lr·g/(|g| + ε) with
// ε = 1e-7: without warm-up or clipping the largest |Δθ| is lr (up to ε/|g|); with warm-up
// over W steps it is lr/W; clipping the gradient norm to ε makes every |g| <= ε, so every
// |Δθ| <= lr/2.
func TestWarmupAndClipping(t *testing.T) {
	base := tinyTrain()
	base.WarmupSteps, base.ClipNorm, base.EMARate = 0, 0, 0
	lr := base.LearningRate
	plain, norm := firstStepChange(t, base)
	if math.Abs(plain-lr) > 1e-3*lr {
		t.Errorf("first Adam step without warm-up: max |Δθ| = %g, want lr = %g", plain, lr)
	}
	w := base
	w.WarmupSteps = 4
	if got := w.LearningRateAt(1); got != lr/4 {
		t.Errorf("LearningRateAt(1) = %g, want %g", got, lr/4)
	}
	if got := w.LearningRateAt(4); got != lr {
		t.Errorf("LearningRateAt(4) = %g, want %g", got, lr)
	}
	warm, _ := firstStepChange(t, w)
	if math.Abs(warm-lr/4) > 1e-3*lr/4 {
		t.Errorf("first step with a 4-step warm-up: max |Δθ| = %g, want lr/4 = %g", warm, lr/4)
	}
	c := base
	c.ClipNorm = 1e-7
	clipped, cnorm := firstStepChange(t, c)
	if clipped > lr/2*(1+1e-4) || !(clipped > 0) {
		t.Errorf("first step with the gradient clipped to norm 1e-7: max |Δθ| = %g, want in (0, lr/2 = %g]", clipped, lr/2)
	}
	if cnorm != norm || !(norm > 1e-3) {
		t.Errorf("reported gradient norms %g (clipped run) and %g (plain): want the same unclipped norm", cnorm, norm)
	}
	t.Logf("max |Δθ|: plain %.4g, warm-up/4 %.4g, clipped %.4g; gradient norm %.3g", plain, warm, clipped, norm)
}

// TestHeldOutEvaluation: the trainer evaluates every EvalEvery steps and at the end, and
// DenoisingLoss on the loaded (EMA) model with EvalSeed reproduces the last held-out loss.
func TestHeldOutEvaluation(t *testing.T) {
	dir := t.TempDir()
	tr := newTiny(t, tinyTrain(), dir)
	tr.HeldOut = heldOutData(5)
	if err := tr.Train(6); err != nil { // EvalEvery 4: steps 4 and 6
		t.Fatal(err)
	}
	ev := tr.Evals()
	if len(ev) != 2 || ev[0].Step != 4 || ev[1].Step != 6 {
		t.Fatalf("evaluations %+v, want steps 4 and 6", ev)
	}
	m, store, sched, err := LoadModel(dir, 1)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DenoisingLoss(backend.MustDefault(), m, store, sched, heldOutData(5), EvalSeed)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got-ev[1].HeldOut) > 1e-6*ev[1].HeldOut {
		t.Errorf("DenoisingLoss of the loaded model %v, trainer's held-out evaluation %v", got, ev[1].HeldOut)
	}
	meta, err := ReadCheckpointMeta(dir)
	if err != nil {
		t.Fatal(err)
	}
	if last, ok := meta.LastEval(); !ok || last != ev[1] {
		t.Errorf("checkpoint's last evaluation %+v, want %+v", last, ev[1])
	}
	if p := meta.Provenance(); !strings.Contains(p, "6 steps") || !strings.Contains(p, "EMA rate 0.9") || !strings.Contains(p, "held-out") {
		t.Errorf("Provenance() = %q", p)
	}
	// A loss that can fail: the raw (not averaged) weights give another number.
	mr, sr, _, err := LoadRawModel(dir, 1)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := DenoisingLoss(backend.MustDefault(), mr, sr, sched, heldOutData(5), EvalSeed)
	if err != nil || raw == got {
		t.Errorf("raw weights' loss %v equals the EMA's %v (err %v)", raw, got, err)
	}
}

// TestTrainingSetIsChecked: a checkpoint trained on one training set is refused, naming both
// specs, for another one (resume and LoadFor); Differences lists changed settings.
func TestTrainingSetIsChecked(t *testing.T) {
	dir := t.TempDir()
	a := DataSpec{Dataset: "toy", Classes: []string{"1", "8"}, N: 10, Seed: 1, H: 8, W: 8, C: 1}
	b := a
	b.Classes = []string{"0", "8"}
	d := tinyData(10)
	d.Spec = a
	tr, err := NewTrainer(backend.MustDefault(), tinyConfig(), tinyTrain(), ou.PaperSchedule(), d, dir)
	if err != nil {
		t.Fatal(err)
	}
	tr.Preset = "toy-preset"
	if err := tr.Train(1); err != nil {
		t.Fatal(err)
	}
	d2 := tinyData(10)
	d2.Spec = b
	if _, err := NewTrainer(backend.MustDefault(), tinyConfig(), tinyTrain(), ou.PaperSchedule(), d2, dir); err == nil ||
		!strings.Contains(err.Error(), a.String()) || !strings.Contains(err.Error(), b.String()) {
		t.Errorf("resume on another training set: %v", err)
	}
	if _, _, _, _, err := LoadFor(dir, b); err == nil || !strings.Contains(err.Error(), a.String()) || !strings.Contains(err.Error(), b.String()) {
		t.Errorf("LoadFor another training set: %v", err)
	}
	_, _, _, meta, err := LoadFor(dir, a)
	if err != nil || meta.Preset != "toy-preset" || meta.Step != 1 {
		t.Errorf("LoadFor its own training set: %v (preset %q, step %d)", err, meta.Preset, meta.Step)
	}
	tc := tinyTrain()
	if diffs := meta.Differences(tinyConfig(), tc, ou.PaperSchedule(), a); len(diffs) != 0 {
		t.Errorf("same settings: differences %v", diffs)
	}
	tc.Batch, tc.EMARate, tc.CheckpointEvery = 5, 0.5, 77
	diffs := meta.Differences(tinyConfig().WithBase(6), tc, ScaledScheduleMust(50), b)
	want := []string{"model:", "batch: checkpoint 4, requested 5", "EMA rate: checkpoint 0.9, requested 0.5", "schedule:", "training set:"}
	if len(diffs) != len(want) {
		t.Errorf("differences %q, want %d (CheckpointEvery does not count)", diffs, len(want))
	}
	for i := range min(len(diffs), len(want)) {
		if !strings.HasPrefix(diffs[i], want[i]) {
			t.Errorf("difference %d = %q, want it to start with %q", i, diffs[i], want[i])
		}
	}
}

// TestCancelWritesACheckpoint: cancelling the context stops training after the current step
// and writes its checkpoint.
func TestCancelWritesACheckpoint(t *testing.T) {
	dir := t.TempDir()
	tr := newTiny(t, tinyTrain(), dir)
	ctx, cancel := context.WithCancel(context.Background())
	tr.Progress = func(r Report) {
		if r.Step == 2 {
			cancel()
		}
	}
	err := tr.TrainContext(ctx, 100)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("TrainContext after cancel: %v", err)
	}
	meta, err := ReadCheckpointMeta(filepath.Join(dir, CheckpointFile))
	if err != nil || meta.Step != 2 {
		t.Fatalf("checkpoint after cancel: step %d, %v (periodic checkpoints every 3)", meta.Step, err)
	}
}

func TestTrainConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		mod  func(*TrainConfig)
		want string
	}{
		{func(c *TrainConfig) { c.EMARate = 1 }, "EMARate"},
		{func(c *TrainConfig) { c.EMARate = -0.1 }, "EMARate"},
		{func(c *TrainConfig) { c.ClipNorm = math.NaN() }, "ClipNorm"},
		{func(c *TrainConfig) { c.WarmupSteps = -1 }, "WarmupSteps"},
		{func(c *TrainConfig) { c.EvalEvery = -1 }, "EvalEvery"},
		{func(c *TrainConfig) { c.LearningRate = math.Inf(1) }, "LearningRate"},
	} {
		c := tinyTrain()
		tc.mod(&c)
		if _, err := NewTrainer(backend.MustDefault(), tinyConfig(), c, ou.PaperSchedule(), tinyData(4), ""); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want an error naming %s", c, err, tc.want)
		}
	}
}

func TestPresets(t *testing.T) {
	for _, p := range Presets() {
		if err := p.Train.Validate(); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
		if err := p.Model.Validate(); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
		if p.Data.H != p.Model.ImageSize || p.Data.C != p.Model.Channels || p.Steps <= 0 || p.L < 2 {
			t.Errorf("%s: data %s for %s, %d steps, L %d", p.Name, p.Data, p.Model, p.Steps, p.L)
		}
		q, err := PresetByName(p.Name)
		if err != nil || q.Name != p.Name {
			t.Errorf("PresetByName(%s) = %v, %v", p.Name, q.Name, err)
		}
	}
	if _, err := PresetByName("nope"); err == nil || !strings.Contains(err.Error(), strings.Join(PresetNames(), ", ")) {
		t.Errorf("unknown preset: %v", err)
	}
	// Presets returns copies.
	ps := Presets()
	ps[0].Data.Classes[0] = "changed"
	if Presets()[0].Data.Classes[0] == "changed" {
		t.Error("Presets shares its slices")
	}
}

// TestExport: an export holds only the EMA, loads to bit-identical weights, is about a quarter
// of the resumable checkpoint, and is refused for resuming.
func TestExport(t *testing.T) {
	dir, exp := t.TempDir(), filepath.Join(t.TempDir(), "new", "ref")
	trainedTiny(t, dir, 2)
	if err := Export(dir, exp); err != nil {
		t.Fatal(err)
	}
	_, a, _, err := LoadModel(dir, 1)
	if err != nil {
		t.Fatal(err)
	}
	_, b, _, err := LoadModel(exp, 1)
	if err != nil {
		t.Fatal(err)
	}
	compareStores(t, a, b)
	sa, _ := os.Stat(filepath.Join(dir, CheckpointFile))
	sb, _ := os.Stat(filepath.Join(exp, CheckpointFile))
	if r := float64(sb.Size()) / float64(sa.Size()); r > 0.3 {
		t.Errorf("export is %.2f of the checkpoint's size, want about 1/4", r)
	}
	if _, err := NewTrainer(backend.MustDefault(), tinyConfig(), tinyTrain(), ou.PaperSchedule(), tinyData(10), exp); err == nil ||
		!strings.Contains(err.Error(), "cannot resume") {
		t.Errorf("resume from an export: %v", err)
	}
	if err := Export(exp, t.TempDir()); err == nil {
		t.Error("exporting an export succeeded")
	}
}
