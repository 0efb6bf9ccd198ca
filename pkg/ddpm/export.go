package ddpm

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gomlx/gomlx/ml/model"
)

// Export writes to the directory dst (created if needed) as dst/CheckpointFile a copy of the
// checkpoint src (a file, or a directory holding CheckpointFile) that keeps only the moving average of the weights and the header: the form
// in which reference models are committed (a quarter of the size of a resumable checkpoint,
// which also holds the raw weights and Adam's two moments). LoadModel and LoadReference read it
// as they read src; a Trainer refuses to resume from it.
func Export(src, dst string) error {
	src = checkpointPath(src)
	meta, store, err := ReadCheckpoint(src)
	if err != nil {
		return err
	}
	if meta.Exported {
		return fmt.Errorf("ddpm: %s is already an export", src)
	}
	out := model.NewStore()
	prefix := "/" + EMAScope + "/"
	for v := range store.IterVariables() {
		if !strings.HasPrefix(v.Path(), prefix) {
			continue
		}
		val, err := v.Value()
		if err != nil {
			return fmt.Errorf("ddpm: export of %s: %w", src, err)
		}
		if _, err := out.CreateVariable(v.Path(), val); err != nil {
			return fmt.Errorf("ddpm: export of %s: %w", src, err)
		}
	}
	if out.NumVariables() == 0 {
		return fmt.Errorf("ddpm: %s has no moving average of the weights to export", src)
	}
	meta.Exported = true
	return writeCheckpoint(filepath.Join(dst, CheckpointFile), meta, out)
}
