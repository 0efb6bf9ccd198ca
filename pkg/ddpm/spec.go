package ddpm

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/diffregimes/diffregimes/pkg/ou"
	"github.com/diffregimes/diffregimes/pkg/unet"
)

// DataSpec identifies a training set: the dataset, its classes, the number of images, the seed
// of their selection and the image shape. A checkpoint records the spec it was trained on, so
// that a model trained on another training set is refused by name rather than used silently.
type DataSpec struct {
	Dataset string   `json:"dataset"`
	Classes []string `json:"classes"`
	N       int      `json:"n"`
	Seed    uint64   `json:"seed"`
	H       int      `json:"h"`
	W       int      `json:"w"`
	C       int      `json:"c"`
}

// IsZero reports whether the spec is unknown.
func (s DataSpec) IsZero() bool { return s.Dataset == "" && s.N == 0 }

// Equal reports whether two specs describe the same training set.
func (s DataSpec) Equal(o DataSpec) bool {
	return s.Dataset == o.Dataset && slices.Equal(s.Classes, o.Classes) && s.N == o.N && s.Seed == o.Seed &&
		s.H == o.H && s.W == o.W && s.C == o.C
}

// String is e.g. "fashion-mnist classes 1,8 n=1000 seed=1 32x32x1".
func (s DataSpec) String() string {
	if s.IsZero() {
		return "an unrecorded training set"
	}
	return fmt.Sprintf("%s classes %s n=%d seed=%d %dx%dx%d", s.Dataset, strings.Join(s.Classes, ","), s.N, s.Seed, s.H, s.W, s.C)
}

// check refuses a different known spec (an unknown one on either side passes: old checkpoints
// and callers that do not say).
func (s DataSpec) check(want DataSpec) error {
	if s.IsZero() || want.IsZero() || s.Equal(want) {
		return nil
	}
	return fmt.Errorf("trained on %s, not on %s", s, want)
}

// Differences lists, one "name: checkpoint X, requested Y" line each, the settings of a run
// that differ from those the checkpoint was trained with and that would change its trajectory:
// the architecture, the training configuration (except CheckpointEvery and EvalEvery), the
// schedule and the training set. An empty result means the run resumes the checkpoint as is.
func (m Meta) Differences(cfg unet.Config, tc TrainConfig, sched *ou.Schedule, data DataSpec) []string {
	var out []string
	diff := func(name string, have, want any) {
		if fmt.Sprint(have) != fmt.Sprint(want) {
			out = append(out, fmt.Sprintf("%s: checkpoint %v, requested %v", name, have, want))
		}
	}
	if !sameArchitecture(m.Model, cfg) {
		out = append(out, fmt.Sprintf("model: checkpoint %s, requested %s", m.Model, cfg))
	}
	diff("init seed", m.Model.Seed, cfg.Seed)
	diff("batch", m.Train.Batch, tc.Batch)
	diff("learning rate", m.Train.LearningRate, tc.LearningRate)
	diff("seed", m.Train.Seed, tc.Seed)
	diff("warm-up steps", m.Train.WarmupSteps, tc.WarmupSteps)
	diff("clip norm", m.Train.ClipNorm, tc.ClipNorm)
	diff("EMA rate", m.Train.EMARate, tc.EMARate)
	if sched != nil {
		same := m.Schedule.L == sched.L && nearlyEqual(m.Schedule.BetaStart, sched.BetaStart) && nearlyEqual(m.Schedule.BetaEnd, sched.BetaEnd)
		if !same {
			out = append(out, fmt.Sprintf("schedule: checkpoint L=%d β %g→%g, requested L=%d β %g→%g",
				m.Schedule.L, m.Schedule.BetaStart, m.Schedule.BetaEnd, sched.L, sched.BetaStart, sched.BetaEnd))
		}
	}
	if !m.Data.IsZero() && !data.IsZero() && !m.Data.Equal(data) {
		out = append(out, fmt.Sprintf("training set: checkpoint %s, requested %s", m.Data, data))
	}
	return out
}

func nearlyEqual(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(math.Abs(a), math.Abs(b)) }
