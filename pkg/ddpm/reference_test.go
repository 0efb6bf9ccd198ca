package ddpm

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"

	"github.com/diffregimes/diffregimes/pkg/ou"
)

// projectRoot is $DIFFREGIMES_ROOT, else the repository root above this package.
func projectRoot() string {
	if r := os.Getenv("DIFFREGIMES_ROOT"); r != "" {
		return r
	}
	return filepath.Join("..", "..")
}

// TestReferenceCheckpoints loads each committed reference checkpoint (models/<preset>), checks
// its training-set spec and provenance against its preset, recomputes its held-out denoising
// loss (which must equal the one recorded at its last evaluation) and checks it against the
// preset's bound. The committed checkpoints must fit in 10 MB together.
func TestReferenceCheckpoints(t *testing.T) {
	root := projectRoot()
	var total int64
	for _, p := range Presets() {
		t.Run(p.Name, func(t *testing.T) {
			path := filepath.Join(p.Dir(root), CheckpointFile)
			st, err := os.Stat(path)
			if err != nil {
				t.Skipf("no reference checkpoint %s (make models trains it)", path)
			}
			total += st.Size()
			m, store, sched, meta, err := LoadReference(root, p.Name)
			if err != nil {
				t.Fatal(err)
			}
			if meta.Step < p.Steps {
				t.Errorf("trained %d steps, the preset asks %d", meta.Step, p.Steps)
			}
			if d := meta.Differences(p.Model, p.Train, mustScaled(t, p.L), p.Data); len(d) > 0 {
				t.Errorf("settings differ from the preset's: %v", d)
			}
			last, ok := meta.LastEval()
			if !ok || last.Step != meta.Step || meta.Train.EMARate != p.Train.EMARate || meta.TrainSeconds <= 0 ||
				meta.Saved.IsZero() || meta.Started.IsZero() || len(meta.Losses) != meta.Step {
				t.Errorf("provenance incomplete: %s (last evaluation %+v, %d losses)", meta.Provenance(), last, len(meta.Losses))
			}
			t.Log(meta.Provenance())
			_, held, err := p.LoadData()
			if err != nil {
				t.Skipf("the held-out data are not available here: %v", err)
			}
			got, err := DenoisingLoss(backend.MustDefault(), m, store, sched, held, EvalSeed)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-last.HeldOut) > 1e-5*last.HeldOut {
				t.Errorf("held-out loss recomputed %.6f, recorded %.6f", got, last.HeldOut)
			}
			if !(got <= p.HeldOutBound) {
				t.Errorf("held-out denoising loss %.4f above the bound %.4f", got, p.HeldOutBound)
			}
		})
	}
	if total > 10<<20 {
		t.Errorf("reference checkpoints take %d bytes, more than 10 MB", total)
	}
}

func mustScaled(t *testing.T, L int) *ou.Schedule {
	t.Helper()
	s, err := ScaledSchedule(L)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
