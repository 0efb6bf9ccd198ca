package ddpm

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/diffregimes/diffregimes/pkg/checkpoint"
	"github.com/diffregimes/diffregimes/pkg/unet"
	"github.com/gomlx/gomlx/ml/model"
)

// CheckpointFile is the name of the latest checkpoint inside a training directory.
const CheckpointFile = "checkpoint.ddpm"

// checkpointKind is the kind of pkg/checkpoint file a Trainer writes.
const checkpointKind = "ddpm"

// Meta is the header of a checkpoint: everything needed to rebuild the model and resume, and
// the provenance of the weights.
type Meta struct {
	Model    unet.Config `json:"model"`
	Train    TrainConfig `json:"train"`
	Step     int         `json:"step"` // training steps completed
	Schedule struct {
		BetaStart, BetaEnd float64
		L                  int
	} `json:"schedule"`
	Losses []float32 `json:"losses"` // loss of every step so far, for the curves
	// Data is the training set the model was trained on (zero when the trainer was not told).
	Data DataSpec `json:"data"`
	// Preset is the cmd/train preset the run started from ("" for none).
	Preset string `json:"preset,omitempty"`
	// Evals are the held-out evaluations made during training.
	Evals []Eval `json:"evals,omitempty"`
	// TrainSeconds is the wall-clock time of the training steps, summed over resumed sessions.
	TrainSeconds float64 `json:"train_seconds"`
	// Started is when the first step ran; Saved when this checkpoint was written (UTC).
	Started time.Time `json:"started"`
	Saved   time.Time `json:"saved"`
	// Exported marks a checkpoint written by Export: EMA weights only, not resumable.
	Exported bool `json:"exported,omitempty"`
}

// LastEval returns the last evaluation, ok false when there is none.
func (m Meta) LastEval() (Eval, bool) {
	if len(m.Evals) == 0 {
		return Eval{}, false
	}
	return m.Evals[len(m.Evals)-1], true
}

// Provenance is one line that says where the weights come from, for notebooks to print: preset,
// steps, EMA rate, the last training and held-out denoising losses, training time and date.
func (m Meta) Provenance() string {
	preset := m.Preset
	if preset == "" {
		preset = "(no preset)"
	}
	losses := "no held-out evaluation"
	if e, ok := m.LastEval(); ok {
		losses = fmt.Sprintf("denoising loss %.4f train / %.4f held-out at step %d", e.Train, e.HeldOut, e.Step)
	}
	return fmt.Sprintf("preset %s: %s, %d steps, EMA rate %g, %s, trained %s, saved %s; data %s",
		preset, m.Model, m.Step, m.Train.EMARate, losses, (time.Duration(m.TrainSeconds) * time.Second).String(),
		m.Saved.Format("2006-01-02 15:04 UTC"), m.Data)
}

// writeCheckpoint writes meta and every variable of store (weights, their moving average, Adam's
// moments and counters) to path atomically with pkg/checkpoint.
func writeCheckpoint(path string, meta Meta, store *model.Store) error {
	if err := checkpoint.Write(path, checkpointKind, meta, store); err != nil {
		return fmt.Errorf("ddpm: %w", err)
	}
	return nil
}

// ReadCheckpoint reads and verifies a checkpoint file, returning its header and a new store
// holding all its variables (raw weights, EMA, optimiser state). A missing, truncated or
// corrupted file is an error naming the path.
func ReadCheckpoint(path string) (Meta, *model.Store, error) {
	var meta Meta
	store, err := checkpoint.Read(path, checkpointKind, &meta)
	if err != nil {
		return meta, nil, fmt.Errorf("ddpm: %w", err)
	}
	store.SetParam(unet.ParamSeedKey, meta.Model.Seed)
	return meta, store, nil
}

// ReadCheckpointMeta verifies a checkpoint file, or the CheckpointFile of a directory, and
// returns its header (step, configurations, provenance, loss history).
func ReadCheckpointMeta(path string) (Meta, error) {
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, CheckpointFile)
	}
	var meta Meta
	if err := checkpoint.ReadMeta(path, checkpointKind, &meta); err != nil {
		return meta, fmt.Errorf("ddpm: %w", err)
	}
	return meta, nil
}
