package ddpm

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/diffregimes/diffregimes/pkg/ou"
	"github.com/diffregimes/diffregimes/pkg/unet"
	"github.com/gomlx/gomlx/ml/model"
)

// Preset is a named, fully specified route (b) training run: the model, the training set, the
// held-out set, the schedule, the training configuration and the number of steps. cmd/train
// -preset NAME trains it; `make models` trains them all. Each is sized to train in at most 90
// minutes on a 2-core CPU.
type Preset struct {
	Name string
	// Purpose says what the model is for (generalising or memorising).
	Purpose string
	Model   unet.Config
	// Data is the training set (Fashion-MNIST classes, n, selection seed, padded image shape).
	Data DataSpec
	// HeldOut is the number of test-split images of the same classes on which the held-out
	// loss is evaluated (centred with the training set's mean).
	HeldOut int
	// L is the number of diffusion steps (ScaledSchedule(L)).
	L     int
	Train TrainConfig
	Steps int
	// HeldOutBound is the largest held-out denoising loss (DenoisingLoss with EvalSeed on the
	// held-out set) that the test of a committed reference checkpoint accepts.
	HeldOutBound float64
}

// ModelsDir is the folder of the reference checkpoints under the project root: <root>/models.
const ModelsDir = "models"

// Dir is where the preset's reference model lives under the project root: <root>/models/<name>,
// an Export of the finished training run (cmd/train -preset writes it there when the run
// reaches the preset's steps).
func (p Preset) Dir(root string) string { return filepath.Join(root, ModelsDir, p.Name) }

// TrainDir is where cmd/train -preset keeps the resumable training checkpoint:
// <root>/out/models/<name> (not committed).
func (p Preset) TrainDir(root string) string { return filepath.Join(root, "out", ModelsDir, p.Name) }

// LoadData loads the preset's training set and held-out set (see LoadTrainingSet).
func (p Preset) LoadData() (train, held *Data, err error) { return LoadTrainingSet(p.Data, p.HeldOut) }

// LoadReference loads the reference model of preset name from <root>/models/<name>: the model,
// the EMA weights, the schedule and the checkpoint's header (Meta.Provenance). It refuses a
// checkpoint of another preset or training set, naming both.
func LoadReference(root, name string) (*unet.Model, *model.Store, *ou.Schedule, Meta, error) {
	p, err := PresetByName(name)
	if err != nil {
		return nil, nil, nil, Meta{}, err
	}
	m, store, sched, meta, err := LoadFor(p.Dir(root), p.Data)
	if err != nil {
		return nil, nil, nil, meta, err
	}
	if meta.Preset != p.Name {
		return nil, nil, nil, meta, fmt.Errorf("ddpm: %s holds a model of preset %q, not %q", p.Dir(root), meta.Preset, p.Name)
	}
	return m, store, sched, meta, nil
}

// fmnistPair is the training-set spec of n Fashion-MNIST trouser/bag images, padded to 32×32.
func fmnistPair(n int) DataSpec {
	return DataSpec{Dataset: "fashion-mnist", Classes: []string{"1", "8"}, N: n, Seed: 1, H: 32, W: 32, C: 1}
}

// presets are the reference models of route (b).
var presets = []Preset{
	{
		Name:    "fmnist-gen-n1000",
		Purpose: "generalising: 1000 trouser/bag images, far more than the net can memorise in its budget",
		Model:   unet.Tiny(32, 1).WithSeed(1),
		Data:    fmnistPair(1000), HeldOut: 256, L: 100,
		Train: TrainConfig{Batch: 32, LearningRate: 1e-3, Seed: 1, CheckpointEvery: 100, WarmupSteps: 100, ClipNorm: 1,
			EMARate: 0.999, EvalEvery: 250},
		Steps: 4000, HeldOutBound: 0.027, // below the 0.0277 of this recipe at step 2000 (final: 0.0245)
	},
	memorising(64),
	memorising(200),
}

// Presets returns the reference presets, in order (copies: changing them changes nothing).
func Presets() []Preset {
	out := make([]Preset, len(presets))
	for i, p := range presets {
		p.Model = p.Model.WithMults(p.Model.Mults...).WithAttention(p.Model.Attention...)
		p.Data.Classes = slices.Clone(p.Data.Classes)
		out[i] = p
	}
	return out
}

// PresetNames returns the names of the presets.
func PresetNames() []string {
	var names []string
	for _, p := range presets {
		names = append(names, p.Name)
	}
	return names
}

// PresetByName returns the preset called name; an unknown name is an error listing the names
// that exist.
func PresetByName(name string) (Preset, error) {
	for _, p := range Presets() {
		if p.Name == name {
			return p, nil
		}
	}
	return Preset{}, fmt.Errorf("ddpm: no preset %q; the presets are %s", name, strings.Join(PresetNames(), ", "))
}

// memorising is the memorising preset at n training images: the Tiny net trained for many
// epochs of a small trouser/bag set (4000 steps of batch 32 are 2000 epochs at n = 64). The
// wider base-16 net of 2026-12-01 (311k parameters) ran ~3.5× slower per step, too slow for
// the 90-minute budget on the 2-core machine.
func memorising(n int) Preset {
	return Preset{
		Name:    fmt.Sprintf("fmnist-mem-n%d", n),
		Purpose: fmt.Sprintf("memorising: %d trouser/bag images, many epochs of the Tiny net", n),
		Model:   unet.Tiny(32, 1).WithSeed(1),
		Data:    fmnistPair(n), HeldOut: 256, L: 100,
		Train: TrainConfig{Batch: 32, LearningRate: 1e-3, Seed: 1, CheckpointEvery: 100, WarmupSteps: 100, ClipNorm: 1,
			EMARate: 0.995, EvalEvery: 250},
		Steps: 4000, HeldOutBound: 0.15,
	}
}
