package datasets

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// ReadImageNetNpz reads one batch of the official downsampled ImageNet in its npz format
// (Chrabaszcz, Loshchilov & Hutter 2017: Imagenet16_train_npz, Imagenet32_train_npz, files
// train_data_batch_k.npz and val_data.npz): array "data" is [n, 3·size·size] unsigned bytes,
// the red, green and blue planes of each image one after the other (as CIFAR), and "labels"
// holds the class numbers 1..1000 in the order of map_clsloc.txt. Labels are kept 1-based.
// (The pickle distribution of the same data is not read: it needs a Python unpickler.)
func ReadImageNetNpz(path string, size int) (*Dataset, error) {
	arrs, err := readNpz(path, "data", "labels")
	if err != nil {
		return nil, err
	}
	data, labels := arrs["data"], arrs["labels"]
	d := 3 * size * size
	if data.u8 == nil || len(data.shape) != 2 || data.shape[1] != d {
		return nil, fmt.Errorf("datasets: %s: data has shape %v (want [n, %d] unsigned bytes for %dx%d RGB)", path, data.shape, d, size, size)
	}
	n := data.shape[0]
	lab := labels.ints
	if labels.u8 != nil {
		lab = make([]int64, len(labels.u8))
		for i, v := range labels.u8 {
			lab[i] = int64(v)
		}
	}
	if len(lab) != n {
		return nil, fmt.Errorf("datasets: %s: %d labels for %d images", path, len(lab), n)
	}
	ds := &Dataset{Name: filepath.Base(path), N: n, H: size, W: size, C: 3, X: make([]float32, n*d), Labels: make([]int, n)}
	for i := 0; i < n; i++ {
		if lab[i] < 1 || lab[i] > 1000 {
			return nil, fmt.Errorf("datasets: %s: label %d of record %d out of range [1,1000]", path, lab[i], i)
		}
		ds.Labels[i] = int(lab[i])
		planesToHWC(ds.Row(i), data.u8[i*d:(i+1)*d], size*size, 3)
	}
	return ds, nil
}

// ImageNet loads the downsampled ImageNet training batches of the given size (16 or 32) from
// the directory "imagenet<size>" (holding train_data_batch_*.npz and, optionally,
// map_clsloc.txt) under Roots(), keeping only the images whose label is in keep (nil keeps
// all: 1.28 M images, several GB). ClassNames are filled from map_clsloc.txt when present
// (index = label, so ClassNames[0] is empty).
func ImageNet(size int, keep []int) (*Dataset, error) {
	src, err := Lookup(fmt.Sprintf("imagenet%d", size))
	if err != nil {
		return nil, err
	}
	dir, err := src.Locate("")
	if err != nil {
		return nil, err
	}
	return readImageNetDir(dir, size, keep)
}

func init() {
	for _, size := range []int{16, 32} {
		name := fmt.Sprintf("imagenet%d", size)
		Register(Source{Name: name, Dir: name, Probes: []string{"train_data_batch_1.npz"},
			HowTo: fmt.Sprintf("unpack Imagenet%d_train_npz.zip into <root>/%s/ (train_data_batch_*.npz) with map_clsloc.txt", size, name),
			Read: func(dir string, s Spec) (*Dataset, []int, error) {
				if s.Split != Train {
					return nil, nil, fmt.Errorf("datasets: spec %s: only the training batches are read", s.Name)
				}
				names, err := readClassMapIfPresent(filepath.Join(dir, "map_clsloc.txt"))
				if err != nil {
					return nil, nil, err
				}
				var classes []int
				for _, c := range s.Classes {
					k, err := imageNetClass(names, c)
					if err != nil {
						return nil, nil, err
					}
					classes = append(classes, k)
				}
				ds, err := readImageNetDir(dir, size, classes)
				return ds, classes, err
			}})
	}
}

// readClassMapIfPresent reads map_clsloc.txt when it exists (nil, nil when it does not: classes
// are then given by label number); a malformed file is an error.
func readClassMapIfPresent(path string) ([]string, error) {
	if _, err := os.Stat(path); os.IsNotExist(err) {
		return nil, nil
	}
	return ReadImageNetClassMap(path)
}

// readImageNetDir reads the training batches in dir, keeping the labels in keep (nil: all).
func readImageNetDir(dir string, size int, keep []int) (*Dataset, error) {
	sub := fmt.Sprintf("imagenet%d", size)
	files, _ := filepath.Glob(filepath.Join(dir, "train_data_batch_*.npz"))
	sort.Slice(files, func(i, j int) bool { return batchNum(files[i]) < batchNum(files[j]) })
	want := map[int]bool{}
	for _, k := range keep {
		want[k] = true
	}
	var parts []*Dataset
	for _, f := range files {
		b, err := ReadImageNetNpz(f, size)
		if err != nil {
			return nil, err
		}
		if keep != nil {
			b = b.filter(func(l int) bool { return want[l] })
		}
		parts = append(parts, b)
	}
	ds, err := Concat(parts...)
	if err != nil {
		return nil, err
	}
	ds.Name = sub
	names, err := readClassMapIfPresent(filepath.Join(dir, "map_clsloc.txt"))
	if err != nil {
		return nil, err
	}
	ds.ClassNames = names
	return ds, nil
}

func batchNum(path string) int {
	s := strings.TrimSuffix(filepath.Base(path), ".npz")
	v, _ := strconv.Atoi(s[strings.LastIndex(s, "_")+1:])
	return v
}

// filter keeps the images whose label passes ok.
func (ds *Dataset) filter(ok func(int) bool) *Dataset {
	out := &Dataset{Name: ds.Name, H: ds.H, W: ds.W, C: ds.C, ClassNames: ds.ClassNames, Mean: ds.Mean}
	for i, l := range ds.Labels {
		if ok(l) {
			out.X = append(out.X, ds.Row(i)...)
			out.Labels = append(out.Labels, l)
			out.N++
		}
	}
	return out
}

// ReadImageNetClassMap reads map_clsloc.txt ("n02119789 1 kit_fox" per line) and returns a
// slice indexed by label 1..1000 holding "wnid name" (e.g. "n02509815 lesser_panda"), so that
// ClassIndex accepts either the wnid or the name.
func ReadImageNetClassMap(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	defer f.Close()
	names := make([]string, 1001)
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		fs := strings.Fields(sc.Text())
		if len(fs) == 0 {
			continue
		}
		if len(fs) != 3 {
			return nil, fmt.Errorf("datasets: %s:%d: want \"wnid label name\", got %q", path, line, sc.Text())
		}
		l, err := strconv.Atoi(fs[1])
		if err != nil || l < 1 || l > 1000 {
			return nil, fmt.Errorf("datasets: %s:%d: label %q out of range [1,1000]", path, line, fs[1])
		}
		names[l] = fs[0] + " " + fs[2]
	}
	return names, sc.Err()
}

// imageNetClass resolves a class given as a label number, a wnid or a name from map_clsloc.txt.
func imageNetClass(names []string, class string) (int, error) {
	if v, err := strconv.Atoi(class); err == nil {
		if v < 1 || v > 1000 {
			return 0, fmt.Errorf("datasets: ImageNet label %d out of range [1,1000]", v)
		}
		return v, nil
	}
	for i, n := range names {
		if n == "" {
			continue
		}
		fs := strings.Fields(n)
		if strings.EqualFold(fs[0], class) || strings.EqualFold(fs[1], class) {
			return i, nil
		}
	}
	if names == nil {
		return 0, fmt.Errorf("datasets: ImageNet class %q given by name but map_clsloc.txt is missing; give its label number 1..1000", class)
	}
	return 0, fmt.Errorf("datasets: ImageNet class %q not in map_clsloc.txt", class)
}
