package realdata

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/diffregimes/diffregimes/pkg/ddpm"
	"github.com/diffregimes/diffregimes/pkg/unet"
)

// ProvenanceOf reads every field the trainer records (preset, EMA rate, last evaluation,
// training time, date) and says "not recorded" for a checkpoint that predates them.
func TestProvenanceOf(t *testing.T) {
	saved := time.Date(2026, 12, 2, 2, 54, 5, 0, time.UTC)
	meta := ddpm.Meta{Model: unet.Tiny(32, 1), Train: ddpm.TrainConfig{Batch: 32, LearningRate: 1e-3, EMARate: 0.999},
		Step: 40, Losses: make([]float32, 40), Preset: "fmnist-gen-n1000", TrainSeconds: 5103,
		Evals:   []ddpm.Eval{{Step: 20, Train: 0.03, HeldOut: 0.04}, {Step: 40, Train: 0.0165, HeldOut: 0.0245}},
		Started: saved.Add(-time.Hour), Saved: saved}
	for i := range meta.Losses {
		meta.Losses[i] = float32(i)
	}
	p := ProvenanceOf(meta, "/nonexistent/checkpoint.ddpm")
	if p.Preset != "fmnist-gen-n1000" || p.EMARate != 0.999 || p.EvalStep != 40 || p.EvalTrain != 0.0165 ||
		p.EvalHeldOut != 0.0245 || p.TrainingTime != 5103*time.Second || !p.Date.Equal(saved) || p.Steps != 40 {
		t.Errorf("provenance %+v", p)
	}
	if p.TrainLoss != 38.5 { // the mean of the last 5% (two) step losses, 38 and 39
		t.Errorf("training loss %g, want 38.5", p.TrainLoss)
	}
	s := p.String()
	for _, want := range []string{"preset:          fmnist-gen-n1000", "EMA rate:        0.999", "step 40: training 0.0165, held-out 0.0245",
		"training time:   1h25m3s", "date:            2026-12-02T02:54:05Z"} {
		if !strings.Contains(s, want) {
			t.Errorf("provenance text lacks %q:\n%s", want, s)
		}
	}
	old := ProvenanceOf(ddpm.Meta{Model: unet.Tiny(32, 1), Step: 3, Losses: []float32{1, 2, 3}}, "/nonexistent")
	if !math.IsNaN(old.EMARate) || old.Preset != "" || old.EvalStep != 0 || old.TrainingTime != 0 {
		t.Errorf("old checkpoint: %+v", old)
	}
	if s := old.String(); strings.Count(s, "not recorded") != 5 { // preset, EMA rate, evaluation, held-out, time
		t.Errorf("old checkpoint text:\n%s", s)
	}
}
