package classifier

import (
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/diffregimes/diffregimes/pkg/checkpoint"
	"github.com/gomlx/compute"
)

// metaFile is the name of the classifier's checkpoint file (pkg/checkpoint format) inside a
// checkpoint directory.
const metaFile = "classifier.ckpt"

// checkpointKind is the kind of pkg/checkpoint file a classifier is saved as.
const checkpointKind = "classifier"

// meta is the header of the checkpoint file, besides the weights.
type meta struct {
	Config       Config
	ClassNames   []string
	Mean         []float32
	TestAccuracy *float64 // nil when never measured (JSON has no NaN)
	Steps        int
	Losses       []float64
}

// Save writes the classifier to the directory dir (created if needed) as one pkg/checkpoint
// file holding its configuration, metadata and every variable of its store (weights and Adam
// state), written atomically: a reader, or a concurrent Save, sees the previous checkpoint or
// the new one, never a partial one.
func (c *Classifier) Save(dir string) error {
	if dir == "" {
		return fmt.Errorf("classifier: Save: dir is empty")
	}
	if err := c.ensureBuilt(); err != nil {
		return fmt.Errorf("classifier: Save: %w", err)
	}
	m := meta{Config: c.Config, ClassNames: c.ClassNames, Mean: c.Mean, Steps: c.Steps, Losses: c.Losses}
	if !math.IsNaN(c.TestAccuracy) {
		acc := c.TestAccuracy
		m.TestAccuracy = &acc
	}
	if err := checkpoint.Write(filepath.Join(filepath.Clean(dir), metaFile), checkpointKind, m, c.store); err != nil {
		return fmt.Errorf("classifier: Save: %w", err)
	}
	return nil
}

// Load reads a classifier written by Save from dir onto backend b. It returns an error naming
// the file when the directory is missing, has no checkpoint, or its checkpoint is truncated or
// corrupt.
func Load(b compute.Backend, dir string) (*Classifier, error) {
	if b == nil {
		return nil, fmt.Errorf("classifier: Load: backend is nil")
	}
	path := filepath.Join(dir, metaFile)
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("classifier: Load %s: %w", dir, err)
	}
	var m meta
	store, err := checkpoint.Read(path, checkpointKind, &m)
	if err != nil {
		return nil, fmt.Errorf("classifier: Load: %w", err)
	}
	if err := m.Config.Validate(); err != nil {
		return nil, fmt.Errorf("classifier: Load %s: %w", path, err)
	}
	c, err := New(b, m.Config)
	if err != nil {
		return nil, err
	}
	c.ClassNames, c.Mean, c.Steps, c.Losses = m.ClassNames, m.Mean, m.Steps, m.Losses
	if m.TestAccuracy != nil {
		c.TestAccuracy = *m.TestAccuracy
	}
	c.store = store
	if c.store.Scope("/"+scopeName).NumVariables() == 0 {
		return nil, fmt.Errorf("classifier: Load %s: checkpoint holds no %q variables", path, scopeName)
	}
	return c, nil
}
