package datasets

import (
	"os"
	"path/filepath"
)

// EnvData names the environment variable holding the dataset root(s), a list separated by
// the OS path-list separator (':' on Linux).
const EnvData = "DIFFREGIMES_DATA"

// Roots returns the directories searched for datasets, in order: the entries of
// $DIFFREGIMES_DATA if set, then $HOME/.cache/diffregimes, then /usr/share/datasets (where the
// Debian package dataset-fashion-mnist installs Fashion-MNIST).
func Roots() []string {
	var roots []string
	if v := os.Getenv(EnvData); v != "" {
		for _, r := range filepath.SplitList(v) {
			if r != "" {
				roots = append(roots, r)
			}
		}
	}
	if h, err := os.UserHomeDir(); err == nil {
		roots = append(roots, filepath.Join(h, ".cache", "diffregimes"))
	}
	return append(roots, "/usr/share/datasets")
}
