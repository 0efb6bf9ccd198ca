package realdata

import (
	"fmt"
	"math"
	"os"
	"strings"
	"time"

	"github.com/diffregimes/diffregimes/pkg/ddpm"
)

// Provenance says where a route (b) model comes from, as the notebooks print it: the preset
// that trained it, its steps, EMA rate, final training and held-out losses, training time and
// date. Fields the checkpoint does not record are left at their "not recorded" value (Preset
// "", EMARate and HeldOutLoss NaN, TrainingTime 0) and printed as such.
type Provenance struct {
	// Path is the checkpoint file; Set the training set it was trained on.
	Path string
	Set  TrainingSet
	// Model describes the U-Net (its configuration) and Params counts its parameters.
	Model  string
	Params int
	// Preset names the training recipe (cmd/train -preset), "" when not recorded.
	Preset string
	// Steps is the number of training steps; Batch and LearningRate the optimiser's.
	Steps        int
	Batch        int
	LearningRate float64
	// EMARate is the decay of the weights' exponential moving average (NaN: not recorded).
	EMARate float64
	// TrainLoss is the mean training loss (eq. 60) over the last 5% of the steps (at least one).
	TrainLoss float64
	// HeldOutLoss is the loss (eq. 60) on images outside the training set (NaN: not measured;
	// see HeldOutLoss to measure it).
	HeldOutLoss, HeldOutErr float64
	// EvalStep, EvalTrain and EvalHeldOut are the trainer's last evaluation (ddpm.Meta.Evals):
	// the EMA's denoising loss on training and held-out images with fixed draws (EvalStep 0 and
	// NaN losses: none recorded).
	EvalStep               int
	EvalTrain, EvalHeldOut float64
	// TrainingTime is the wall time of training (0: not recorded).
	TrainingTime time.Duration
	// Date is when the checkpoint was written (recorded, else the file's modification time).
	Date time.Time
}

// ProvenanceOf reads the provenance that a checkpoint header holds (meta, read from path): the
// configuration, preset, steps, EMA rate, the last evaluation, training time and date. A
// checkpoint written before pkg/ddpm recorded some of them leaves those "not recorded".
func ProvenanceOf(meta ddpm.Meta, path string) Provenance {
	p := Provenance{Path: path, Model: meta.Model.String(), Params: meta.Model.NumParams(), Steps: meta.Step,
		Preset: meta.Preset, Batch: meta.Train.Batch, LearningRate: meta.Train.LearningRate,
		EMARate: math.NaN(), TrainLoss: math.NaN(), HeldOutLoss: math.NaN(), HeldOutErr: math.NaN(),
		EvalTrain: math.NaN(), EvalHeldOut: math.NaN(),
		TrainingTime: time.Duration(meta.TrainSeconds * float64(time.Second)), Date: meta.Saved}
	if !meta.Started.IsZero() { // recorded since the EMA exists; 0 means raw weights
		p.EMARate = meta.Train.EMARate
	}
	if e, ok := meta.LastEval(); ok {
		p.EvalStep, p.EvalTrain, p.EvalHeldOut = e.Step, e.Train, e.HeldOut
	}
	if n := len(meta.Losses); n > 0 {
		w := max(1, n/20)
		var s float64
		for _, l := range meta.Losses[n-w:] {
			s += float64(l)
		}
		p.TrainLoss = s / float64(w)
	}
	if st, err := os.Stat(path); err == nil && p.Date.IsZero() {
		p.Date = st.ModTime().UTC()
	}
	return p
}

// String is the provenance as one block of "key: value" lines.
func (p Provenance) String() string {
	na := "not recorded"
	str := func(s string) string {
		if s == "" {
			return na
		}
		return s
	}
	f := func(v float64, format string) string {
		if math.IsNaN(v) {
			return na
		}
		return fmt.Sprintf(format, v)
	}
	tt := na
	if p.TrainingTime > 0 {
		tt = p.TrainingTime.Round(time.Second).String()
	}
	held := f(p.HeldOutLoss, "%.4f")
	if !math.IsNaN(p.HeldOutLoss) && !math.IsNaN(p.HeldOutErr) {
		held += fmt.Sprintf(" ± %.4f (1 s.e.)", p.HeldOutErr)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "model:           %s (%d parameters)\n", p.Model, p.Params)
	fmt.Fprintf(&b, "checkpoint:      %s\n", p.Path)
	fmt.Fprintf(&b, "training set:    %s\n", p.Set)
	fmt.Fprintf(&b, "preset:          %s\n", str(p.Preset))
	fmt.Fprintf(&b, "steps:           %d (batch %d, lr %g)\n", p.Steps, p.Batch, p.LearningRate)
	fmt.Fprintf(&b, "EMA rate:        %s\n", f(p.EMARate, "%g"))
	fmt.Fprintf(&b, "training loss:   %s (last 5%% of steps)\n", f(p.TrainLoss, "%.4f"))
	ev := na
	if p.EvalStep > 0 {
		ev = fmt.Sprintf("step %d: training %.4f, held-out %.4f (EMA weights, fixed draws)", p.EvalStep, p.EvalTrain, p.EvalHeldOut)
	}
	fmt.Fprintf(&b, "last evaluation: %s\n", ev)
	fmt.Fprintf(&b, "held-out loss:   %s (measured here)\n", held)
	fmt.Fprintf(&b, "training time:   %s\n", tt)
	fmt.Fprintf(&b, "date:            %s\n", p.Date.Format(time.RFC3339))
	return b.String()
}
