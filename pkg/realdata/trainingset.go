package realdata

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/diffregimes/diffregimes/pkg/datasets"
	"github.com/diffregimes/diffregimes/pkg/ddpm"
)

// TrainingSetFile is the record, next to a route (b) checkpoint, of the training set the model
// was trained on (JSON, written atomically by RecordTrainingSet).
const TrainingSetFile = "trainingset.json"

// TrainingSet identifies the training set of a route (b) model: the whole datasets.Spec that
// built it (dataset, classes, n, seed, split, centring), the image shape, and a digest of the
// pixel values and labels, so that a U-Net trained on another class pair, size, seed or image
// shape is never taken for this one.
type TrainingSet struct {
	// Dataset is the datasets name, e.g. "fashion-mnist".
	Dataset string `json:"dataset"`
	// Classes are the spec's classes, in order ("1", "8").
	Classes []string `json:"classes"`
	// N is the number of images (the loaded n, also when the spec asked for 0 = all).
	N int `json:"n"`
	// Seed drove the balanced selection.
	Seed uint64 `json:"seed"`
	// Split is "train" or "test"; Raw marks uncentred pixels.
	Split string `json:"split"`
	Raw   bool   `json:"raw,omitempty"`
	// H, W, C are the image shape.
	H int `json:"h"`
	W int `json:"w"`
	C int `json:"c"`
	// Digest is the first 16 hex digits of the SHA-256 of the pixel values (float32,
	// little-endian) and the labels; empty when unknown (then only the fields above are compared).
	Digest string `json:"digest,omitempty"`
}

// TrainingSetOf returns the key of the training set ds loaded from spec (datasets.Load(spec)).
func TrainingSetOf(spec datasets.Spec, ds *datasets.Dataset) (TrainingSet, error) {
	if ds == nil {
		return TrainingSet{}, errors.New("realdata: TrainingSetOf: dataset is nil")
	}
	if spec.N != 0 && spec.N != ds.N {
		return TrainingSet{}, fmt.Errorf("realdata: TrainingSetOf: spec asks for n = %d, dataset %s has n = %d", spec.N, ds.Name, ds.N)
	}
	return TrainingSet{Dataset: spec.Name, Classes: slices.Clone(spec.Classes), N: ds.N, Seed: spec.Seed,
		Split: spec.Split.String(), Raw: spec.Raw, H: ds.H, W: ds.W, C: ds.C, Digest: Digest(ds)}, nil
}

// Digest returns the first 16 hex digits of the SHA-256 of the dataset's pixel values (as
// little-endian float32) followed by its labels (as little-endian int64).
func Digest(ds *datasets.Dataset) string {
	h := sha256.New()
	var buf [8]byte
	for _, v := range ds.X {
		binary.LittleEndian.PutUint32(buf[:4], math.Float32bits(v))
		h.Write(buf[:4])
	}
	for _, l := range ds.Labels {
		binary.LittleEndian.PutUint64(buf[:], uint64(int64(l)))
		h.Write(buf[:])
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// String is a one-line description, e.g. "fashion-mnist train classes 1,8 n=1000 seed 1 32x32x1".
func (s TrainingSet) String() string {
	raw := ""
	if s.Raw {
		raw = " raw"
	}
	dig := ""
	if s.Digest != "" {
		dig = " digest " + s.Digest
	}
	return fmt.Sprintf("%s %s classes %s n=%d seed %d %dx%dx%d%s%s", s.Dataset, s.Split, strings.Join(s.Classes, ","),
		s.N, s.Seed, s.H, s.W, s.C, raw, dig)
}

// DirName is the name of the directory that holds a model trained on s, made of every field
// of the key but the digest: e.g. "fashion-mnist-train-c1+8-n1000-seed1-32x32x1".
func (s TrainingSet) DirName() string {
	name := fmt.Sprintf("%s-%s-c%s-n%d-seed%d", s.Dataset, s.Split, strings.Join(s.Classes, "+"), s.N, s.Seed)
	if s.H > 0 {
		name += fmt.Sprintf("-%dx%dx%d", s.H, s.W, s.C)
	}
	if s.Raw {
		name += "-raw"
	}
	return strings.Map(func(r rune) rune {
		if r == '/' || r == os.PathSeparator || r == ' ' {
			return '_'
		}
		return r
	}, name)
}

// Same reports whether s and o are the same training set: every field equal, the digests
// compared only when both are known.
func (s TrainingSet) Same(o TrainingSet) bool {
	if s.Digest != "" && o.Digest != "" && s.Digest != o.Digest {
		return false
	}
	s.Digest, o.Digest = "", ""
	return s.Dataset == o.Dataset && slices.Equal(s.Classes, o.Classes) && s.N == o.N && s.Seed == o.Seed &&
		s.Split == o.Split && s.Raw == o.Raw && s.H == o.H && s.W == o.W && s.C == o.C
}

// MismatchError is the error of a route (b) checkpoint trained on another training set.
type MismatchError struct {
	// Path is the checkpoint directory; Want the training set asked for, Got the recorded one.
	Path      string
	Want, Got TrainingSet
}

func (e *MismatchError) Error() string {
	return fmt.Sprintf("realdata: the model in %s was trained on %s, not on the requested %s", e.Path, e.Got, e.Want)
}

// RecordTrainingSet writes s as dir/TrainingSetFile (atomically), the record that CheckTrainingSet
// and FindDDPM read. A record of another training set already in dir is an error naming both
// (a checkpoint there would be resumed on the wrong data); the same record is left as it is.
func RecordTrainingSet(dir string, s TrainingSet) error {
	if got, err := ReadTrainingSet(dir); err == nil {
		if !got.Same(s) {
			return &MismatchError{Path: dir, Want: s, Got: got}
		}
		return nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	raw, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("realdata: training-set record: %w", err)
	}
	return writeFileAtomic(filepath.Join(dir, TrainingSetFile), append(raw, '\n'))
}

// ReadTrainingSet reads dir/TrainingSetFile; the error wraps os.ErrNotExist when there is none
// and names the file when it cannot be parsed.
func ReadTrainingSet(dir string) (TrainingSet, error) {
	var s TrainingSet
	path := filepath.Join(dir, TrainingSetFile)
	raw, err := os.ReadFile(path)
	if err != nil {
		return s, fmt.Errorf("realdata: training-set record: %w", err)
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return s, fmt.Errorf("realdata: training-set record %s is corrupt: %v", path, err)
	}
	return s, nil
}

// CheckTrainingSet returns nil when the checkpoint directory dir records the training set want,
// a *MismatchError naming both when it records another, and an error when it records none.
// The record is TrainingSetFile when present (it carries the pixels' digest), else the
// training-set spec that pkg/ddpm writes into every checkpoint (Meta.Data: dataset, classes,
// n, seed and image shape of a training split, no digest): one answer for models from
// notebook 20, cmd/train and the reference presets.
func CheckTrainingSet(dir string, want TrainingSet) error {
	got, err := ReadTrainingSet(dir)
	if errors.Is(err, os.ErrNotExist) {
		got, err = checkpointTrainingSet(dir)
		if err != nil {
			return fmt.Errorf("realdata: %s holds no %s and its checkpoint no training-set spec (%v): the training set "+
				"of its model is unknown, so it is not used for %s", dir, TrainingSetFile, err, want)
		}
	}
	if err != nil {
		return err
	}
	if !got.Same(want) {
		return &MismatchError{Path: dir, Want: want, Got: got}
	}
	return nil
}

// checkpointTrainingSet is the training set that the checkpoint in dir records in its header.
func checkpointTrainingSet(dir string) (TrainingSet, error) {
	meta, err := ddpm.ReadCheckpointMeta(dir)
	if err != nil {
		return TrainingSet{}, err
	}
	d := meta.Data
	if d.IsZero() {
		return TrainingSet{}, errors.New("the checkpoint predates training-set specs")
	}
	return TrainingSet{Dataset: d.Dataset, Classes: slices.Clone(d.Classes), N: d.N, Seed: d.Seed,
		Split: datasets.Train.String(), H: d.H, W: d.W, C: d.C}, nil
}

// writeFileAtomic writes data to path through a synced temporary file renamed over it.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("realdata: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("realdata: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after the rename
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("realdata: writing %s: %w", path, err)
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		return fmt.Errorf("realdata: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("realdata: syncing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("realdata: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("realdata: installing %s: %w", path, err)
	}
	return nil
}
