package realdata

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gomlx/compute"

	"github.com/diffregimes/diffregimes/pkg/datasets"
	"github.com/diffregimes/diffregimes/pkg/ddpm"
)

// DDPMEnv names a directory searched first for trained DDPM checkpoints for route (b), and
// where notebook 20 and cmd/train write when it is set: one subdirectory per training set,
// named TrainingSet.DirName, holding ddpm.CheckpointFile and TrainingSetFile.
const DDPMEnv = "DIFFREGIMES_DDPM"

// ReferenceDDPMEnv names the directory of the reference route (b) models (`make models`);
// unset, it is $DIFFREGIMES_ROOT/models (ddpm.ModelsDir, one folder per preset).
const ReferenceDDPMEnv = "DIFFREGIMES_DDPM_REFERENCE"

// ddpmRoots are the directories searched for route (b) checkpoints, in order: $DIFFREGIMES_DDPM,
// the reference models, the dataset cache's ddpm directory (notebook 20's default).
func ddpmRoots() []string {
	var roots []string
	if r := os.Getenv(DDPMEnv); r != "" {
		roots = append(roots, r)
	}
	if r := ReferenceDDPMDir(); r != "" {
		roots = append(roots, r)
	}
	return append(roots, demoRoot())
}

func demoRoot() string {
	if r := os.Getenv(DDPMEnv); r != "" {
		return r
	}
	return filepath.Join(datasets.CacheDir(), "ddpm")
}

// ReferenceDDPMDir is where the reference route (b) models live: $DIFFREGIMES_DDPM_REFERENCE,
// else $DIFFREGIMES_ROOT/models (ddpm.ModelsDir, one folder per preset) ("" when neither variable is set).
func ReferenceDDPMDir() string {
	if r := os.Getenv(ReferenceDDPMEnv); r != "" {
		return r
	}
	if r := os.Getenv("DIFFREGIMES_ROOT"); r != "" {
		return filepath.Join(r, ddpm.ModelsDir)
	}
	return ""
}

// DDPMDir is where a DDPM trained on the training set s is written for route (b) to find it
// (notebook 20, cmd/train): $DIFFREGIMES_DDPM/<s.DirName()> if that variable is set, else
// <datasets.CacheDir()>/ddpm/<s.DirName()>. Never a reference model's directory.
func DDPMDir(s TrainingSet) string { return filepath.Join(demoRoot(), s.DirName()) }

// DDPMDirFor is DDPMDir for the training set ds loaded from spec.
func DDPMDirFor(spec datasets.Spec, ds *datasets.Dataset) (string, error) {
	s, err := TrainingSetOf(spec, ds)
	if err != nil {
		return "", err
	}
	return DDPMDir(s), nil
}

// Found is the outcome of FindDDPM: the checkpoint directories trained on the requested set,
// best first, and what was passed over and why.
type Found struct {
	// Dirs are the directories whose TrainingSetFile records the set and whose checkpoint
	// reads, ordered by decreasing training steps (the reference directory first on ties).
	Dirs []string
	// Notes say which candidates were refused: a truncated or corrupt checkpoint (the error
	// names the file), a record of another training set under this set's directory name (other
	// sets' models elsewhere are not mentioned), any checkpoint without a record.
	Notes []string
}

// FindDDPM looks in every route (b) root ($DIFFREGIMES_DDPM, the reference models, the dataset
// cache) for checkpoints trained on exactly the training set s: each subdirectory that holds
// ddpm.CheckpointFile and a TrainingSetFile recording s. A checkpoint that does not read (e.g.
// truncated) is passed over with a note naming the file, so that the caller falls back to the
// next one or to training.
func FindDDPM(s TrainingSet) Found {
	var f Found
	type cand struct {
		dir   string
		steps int
		rank  int
	}
	var cands []cand
	seen := map[string]bool{}
	for rank, root := range ddpmRoots() {
		entries, err := os.ReadDir(root)
		if err != nil {
			continue
		}
		for _, ent := range entries {
			dir := filepath.Join(root, ent.Name())
			if !ent.IsDir() || seen[dir] {
				continue
			}
			seen[dir] = true
			ckpt := filepath.Join(dir, ddpm.CheckpointFile)
			if _, err := os.Stat(ckpt); err != nil {
				continue
			}
			err := CheckTrainingSet(dir, s)
			var mis *MismatchError
			switch {
			case errors.As(err, &mis):
				if ent.Name() == s.DirName() {
					f.Notes = append(f.Notes, err.Error())
				}
				continue
			case err != nil: // no record (e.g. written before records existed), or a corrupt one
				f.Notes = append(f.Notes, err.Error())
				continue
			}
			meta, err := ddpm.ReadCheckpointMeta(ckpt)
			if err != nil {
				f.Notes = append(f.Notes, fmt.Sprintf("%v; not used", err))
				continue
			}
			cands = append(cands, cand{dir, meta.Step, rank})
		}
	}
	slices.SortStableFunc(cands, func(a, b cand) int { return cmp.Or(cmp.Compare(b.steps, a.steps), cmp.Compare(a.rank, b.rank)) })
	for _, c := range cands {
		f.Dirs = append(f.Dirs, c.dir)
	}
	return f
}

// NewDDPM returns route (b) for the training set ds (whose key is set, TrainingSetOf): the
// trained U-Net denoiser read from the checkpoint directory dir used as the score
// F = -ε_θ/sqrt(1 - ᾱ) at t of eq. (59). dir must record set (TrainingSetFile): a model trained
// on another set is refused with an error naming both. Λ and t_S are those of ds; the
// experiment's Model holds the checkpoint's provenance.
func NewDDPM(b compute.Backend, name string, set TrainingSet, ds *datasets.Dataset, dir string) (*Experiment, error) {
	if ds == nil {
		return nil, fmt.Errorf("realdata: NewDDPM: dataset is nil")
	}
	if got := Digest(ds); set.Digest != "" && got != set.Digest {
		return nil, fmt.Errorf("realdata: NewDDPM: dataset %s (digest %s) is not the training set %s", ds.Name, got, set)
	}
	if err := CheckTrainingSet(dir, set); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, ddpm.CheckpointFile)
	meta, err := ddpm.ReadCheckpointMeta(path)
	if err != nil {
		return nil, fmt.Errorf("realdata: NewDDPM: %w", err)
	}
	m, store, sched, err := ddpm.LoadModel(path, ds.C)
	if err != nil {
		return nil, fmt.Errorf("realdata: NewDDPM: %w", err)
	}
	s, err := ddpm.NewScore(m, store, sched)
	if err != nil {
		return nil, fmt.Errorf("realdata: NewDDPM: %w", err)
	}
	e, err := New(b, name, RouteDDPM, ds, s)
	if err != nil {
		return nil, err
	}
	p := ProvenanceOf(meta, path)
	p.Set = set
	e.Model = &p
	return e, nil
}

// heldOutN is the number of held-out images MaybeDDPM measures the loss on.
const heldOutN = 128

// MaybeDDPM is NewDDPM with the best checkpoint FindDDPM finds for the training set ds loaded
// from spec. It returns a nil experiment when there is none, so notebooks show route (b) only
// where a trained model exists; a candidate that fails to load is passed over for the next
// one. It measures the model's held-out loss on heldOutN test-split images of the same classes
// (MeasureHeldOut). The notes say what was passed over and why.
func MaybeDDPM(b compute.Backend, name string, spec datasets.Spec, ds *datasets.Dataset) (*Experiment, []string, error) {
	if ds == nil {
		return nil, nil, fmt.Errorf("realdata: MaybeDDPM: dataset is nil")
	}
	set, err := TrainingSetOf(spec, ds)
	if err != nil {
		return nil, nil, err
	}
	f := FindDDPM(set)
	notes := f.Notes
	for _, dir := range f.Dirs {
		e, err := NewDDPM(b, name, set, ds, dir)
		if err == nil {
			if err := e.MeasureHeldOut(spec, heldOutN); err != nil {
				notes = append(notes, fmt.Sprintf("held-out loss of %s not measured: %v", dir, err))
			}
			return e, notes, nil
		}
		notes = append(notes, fmt.Sprintf("%v; trying the next model", err))
	}
	return nil, notes, nil
}

// Routes returns the experiments on the training set ds loaded from spec: route (a), the exact
// empirical score, always, and route (b), the trained DDPM, when MaybeDDPM finds a checkpoint
// trained on exactly this set; notes are MaybeDDPM's.
func Routes(b compute.Backend, name string, spec datasets.Spec, ds *datasets.Dataset) ([]*Experiment, []string, error) {
	e, err := NewEmpirical(b, name, ds)
	if err != nil {
		return nil, nil, err
	}
	exps := []*Experiment{e}
	eb, notes, err := MaybeDDPM(b, name, spec, ds)
	if err != nil {
		return nil, notes, err
	}
	if eb != nil {
		exps = append(exps, eb)
	}
	return exps, notes, nil
}

// PrepareDDPMDir readies dir for training a DDPM on the training set s (notebook 20, cmd/train):
// it records s there (RecordTrainingSet: a record of another set is an error naming both), and
// a checkpoint that does not read (truncated, corrupt) is moved aside to <file>.broken so that
// training starts afresh; the returned note says so ("" when nothing was wrong). dir must not
// be under ReferenceDDPMDir: reference models are never overwritten by a demonstration.
func PrepareDDPMDir(dir string, s TrainingSet) (note string, err error) {
	if ref := ReferenceDDPMDir(); ref != "" {
		if under(dir, ref) {
			return "", fmt.Errorf("realdata: %s is a reference model directory (under %s): train elsewhere", dir, ref)
		}
	}
	if err := RecordTrainingSet(dir, s); err != nil {
		return "", err
	}
	path := filepath.Join(dir, ddpm.CheckpointFile)
	if _, err := os.Stat(path); err != nil {
		return "", nil
	}
	if _, err := ddpm.ReadCheckpointMeta(path); err != nil {
		if rerr := os.Rename(path, path+".broken"); rerr != nil {
			return "", fmt.Errorf("realdata: %v, and it cannot be moved aside: %w", err, rerr)
		}
		return fmt.Sprintf("%v: moved to %s.broken; training from scratch", err, path), nil
	}
	return "", nil
}

// under reports whether path is dir or inside it.
func under(path, dir string) bool {
	ap, err1 := filepath.Abs(path)
	ad, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(ad, ap)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
