package classifier

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/checkpoint"
)

// metaFile is the name of the classifier's metadata inside a checkpoint directory.
const metaFile = "classifier.json"

// meta is what classifier.json holds besides the weights.
type meta struct {
	Config       Config
	ClassNames   []string
	Mean         []float32
	TestAccuracy *float64 // nil when never measured (JSON has no NaN)
	Steps        int
	Losses       []float64
}

// Save writes the classifier to the directory dir (a gomlx checkpoint plus classifier.json).
// It writes everything into a fresh temporary directory beside dir and then renames it to
// dir, replacing any previous checkpoint, so a reader sees either the old or the new
// checkpoint, never a partial one.
func (c *Classifier) Save(dir string) error {
	if dir == "" {
		return fmt.Errorf("classifier: Save: dir is empty")
	}
	if err := c.ensureBuilt(); err != nil {
		return fmt.Errorf("classifier: Save: %w", err)
	}
	dir = filepath.Clean(dir)
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("classifier: Save: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-*")
	if err != nil {
		return fmt.Errorf("classifier: Save: %w", err)
	}
	defer os.RemoveAll(tmp) // no-op after a successful rename
	h, err := checkpoint.Build(c.store).Dir(tmp).Keep(1).Done()
	if err != nil {
		return fmt.Errorf("classifier: Save %s: %w", dir, err)
	}
	if err := h.Save(); err != nil {
		return fmt.Errorf("classifier: Save %s: %w", dir, err)
	}
	m := meta{Config: c.Config, ClassNames: c.ClassNames, Mean: c.Mean, Steps: c.Steps, Losses: c.Losses}
	if !math.IsNaN(c.TestAccuracy) {
		acc := c.TestAccuracy
		m.TestAccuracy = &acc
	}
	js, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := writeSynced(filepath.Join(tmp, metaFile), js); err != nil {
		return fmt.Errorf("classifier: Save %s: %w", dir, err)
	}
	// Swap: move the old checkpoint aside, move the new one in, then drop the old one. Another
	// process saving the same checkpoint concurrently can slip its own in between: retry.
	var err2 error
	for attempt := range 3 {
		old := fmt.Sprintf("%s.old%d", tmp, attempt)
		moved := os.Rename(dir, old) == nil
		if err2 = os.Rename(tmp, dir); err2 == nil {
			if moved {
				_ = os.RemoveAll(old)
			}
			return nil
		}
		if moved {
			_ = os.Rename(old, dir) // put it back if the slot is still free
			_ = os.RemoveAll(old)
		}
	}
	return fmt.Errorf("classifier: Save: %w", err2)
}

func writeSynced(path string, data []byte) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Load reads a classifier written by Save from dir onto backend b. It returns an error naming
// the directory when it is missing, has no checkpoint or its metadata is unreadable.
func Load(b compute.Backend, dir string) (*Classifier, error) {
	if b == nil {
		return nil, fmt.Errorf("classifier: Load: backend is nil")
	}
	js, err := os.ReadFile(filepath.Join(dir, metaFile))
	if err != nil {
		return nil, fmt.Errorf("classifier: Load %s: %w", dir, err)
	}
	var m meta
	if err := json.Unmarshal(js, &m); err != nil {
		return nil, fmt.Errorf("classifier: Load %s: bad %s: %w", dir, metaFile, err)
	}
	if err := m.Config.Validate(); err != nil {
		return nil, fmt.Errorf("classifier: Load %s: %w", dir, err)
	}
	c, err := New(b, m.Config)
	if err != nil {
		return nil, err
	}
	c.ClassNames, c.Mean, c.Steps, c.Losses = m.ClassNames, m.Mean, m.Steps, m.Losses
	if m.TestAccuracy != nil {
		c.TestAccuracy = *m.TestAccuracy
	}
	c.store = model.NewStore()
	if _, err := checkpoint.Load(c.store).Dir(dir).Immediate().Done(); err != nil {
		return nil, fmt.Errorf("classifier: Load %s: %w", dir, err)
	}
	if c.store.Scope("/"+scopeName).NumVariables() == 0 {
		return nil, fmt.Errorf("classifier: Load %s: checkpoint holds no %q variables", dir, scopeName)
	}
	return c, nil
}
