package datasets

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
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

// locate returns the first root/sub/probe that exists, or an error listing every path tried.
// probe is a file (or directory) inside the dataset directory that proves it is there.
func locate(sub string, probes ...string) (string, error) {
	var tried []string
	for _, r := range Roots() {
		dir := filepath.Join(r, sub)
		for _, p := range probes {
			path := filepath.Join(dir, p)
			if _, err := os.Stat(path); err == nil {
				return dir, nil
			}
			tried = append(tried, path)
		}
	}
	return "", fmt.Errorf("datasets: %s not found; looked for %s", sub, strings.Join(tried, ", "))
}

// firstExisting returns the first of the names (relative to dir) that exists.
func firstExisting(dir string, names ...string) (string, error) {
	for _, n := range names {
		p := filepath.Join(dir, n)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("datasets: none of %s exists in %s", strings.Join(names, ", "), dir)
}
