package datasets

import (
	"fmt"
	"image"
	_ "image/jpeg" // LSUN exports are JPEG
	_ "image/png"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// LSUN preprocessing sizes (SI D.2): centre crop 256×256, resize to 64×64.
const (
	LSUNCrop = 256
	LSUNSize = 64
)

// LoadImageFolder reads the JPEG/PNG images of root/<class>/ for each class (sorted file
// names, at most max per class when max > 0), centre-crops each to crop×crop and resizes it to
// size×size (CenterCropResize). Label k means classes[k]. This is the layout LSUN takes once
// its lmdb export is dumped to files (one folder per scene category).
func LoadImageFolder(root string, classes []string, max, crop, size int) (*Dataset, error) {
	ds := &Dataset{Name: filepath.Base(root), H: size, W: size, C: 3, ClassNames: append([]string(nil), classes...)}
	for k, c := range classes {
		dir := filepath.Join(root, c)
		ents, err := os.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("datasets: class %q: %w", c, err)
		}
		var files []string
		for _, e := range ents {
			switch strings.ToLower(filepath.Ext(e.Name())) {
			case ".jpg", ".jpeg", ".png":
				if !e.IsDir() {
					files = append(files, e.Name())
				}
			}
		}
		sort.Strings(files)
		if max > 0 && len(files) > max {
			files = files[:max]
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("datasets: %s: no .jpg/.jpeg/.png images", dir)
		}
		for _, f := range files {
			px, err := readImageFile(filepath.Join(dir, f), crop, size)
			if err != nil {
				return nil, err
			}
			ds.X = append(ds.X, px...)
			ds.Labels = append(ds.Labels, k)
			ds.N++
		}
	}
	return ds, nil
}

func readImageFile(path string, crop, size int) ([]float32, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("datasets: %s: unreadable image: %w", path, err)
	}
	px, err := CenterCropResize(img, crop, size)
	if err != nil {
		return nil, fmt.Errorf("datasets: %s: %w", path, err)
	}
	return px, nil
}

// LSUN loads the given scene categories from the folder "lsun/<category>/" under Roots() with
// the paper's preprocessing (centre crop 256, resize 64). max > 0 reads only the first max
// files (sorted) of each category, since LSUN categories hold 10^5-10^6 images.
func LSUN(classes []string, max int) (*Dataset, error) {
	if len(classes) == 0 {
		return nil, fmt.Errorf("datasets: LSUN: no categories given")
	}
	src, err := Lookup(LSUNName)
	if err != nil {
		return nil, err
	}
	dir, err := src.Locate("")
	if err != nil {
		return nil, err
	}
	return readLSUNDir(dir, classes, max)
}

func init() {
	Register(Source{Name: LSUNName, Dir: "lsun", // any lsun/ directory; its category folders are read

		HowTo: "export the LSUN lmdb of each category as JPEG files into <root>/lsun/<category>/ (e.g. church_outdoor/, conference_room/)",
		Read: func(dir string, s Spec) (*Dataset, []int, error) {
			perClass := 0
			if s.N > 0 {
				perClass = s.N / len(s.Classes)
			}
			ds, err := readLSUNDir(dir, s.Classes, perClass)
			if err != nil {
				return nil, nil, err
			}
			classes := make([]int, len(s.Classes))
			for k := range classes {
				classes[k] = k
			}
			return ds, classes, nil
		}})
}

// readLSUNDir reads the category folders of dir with the paper's preprocessing.
func readLSUNDir(dir string, classes []string, max int) (*Dataset, error) {
	ds, err := LoadImageFolder(dir, classes, max, LSUNCrop, LSUNSize)
	if err != nil {
		return nil, err
	}
	ds.Name = "lsun"
	return ds, nil
}
