package datasets

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Select returns a balanced, seeded subset with n/len(classes) images of each listed class
// (n must be a multiple of len(classes)). The result is relabelled: label k means classes[k],
// and ClassNames follows. Within a class the images are a uniformly random choice (PCG seeded
// with seed), kept in their original order; the classes are concatenated in the order given.
// n = 0 takes the largest balanced subset.
func (ds *Dataset) Select(classes []int, n int, seed uint64) (*Dataset, error) {
	if err := ds.Check(); err != nil {
		return nil, err
	}
	k := len(classes)
	if k == 0 {
		return nil, fmt.Errorf("datasets: %s: Select: no classes given", ds.Name)
	}
	byClass := map[int][]int{}
	for i, l := range ds.Labels {
		byClass[l] = append(byClass[l], i)
	}
	seen := map[int]bool{}
	minCount := -1
	for _, c := range classes {
		if seen[c] {
			return nil, fmt.Errorf("datasets: %s: Select: class %d listed twice", ds.Name, c)
		}
		seen[c] = true
		if m := len(byClass[c]); minCount < 0 || m < minCount {
			minCount = m
		}
	}
	if n == 0 {
		n = minCount * k
	}
	if n < 0 || n%k != 0 {
		return nil, fmt.Errorf("datasets: %s: Select: n=%d must be a positive multiple of the %d classes", ds.Name, n, k)
	}
	per := n / k
	rng := rand.New(rand.NewPCG(seed, 0x6469666672656769)) // "diffregi"
	var pick []int
	var labels []int
	for j, c := range classes {
		idx := byClass[c]
		if len(idx) < per {
			return nil, fmt.Errorf("datasets: %s: class %d (%s) has %d images, fewer than the %d asked", ds.Name, c, ds.className(c), len(idx), per)
		}
		perm := rng.Perm(len(idx))[:per]
		chosen := make([]bool, len(idx))
		for _, p := range perm {
			chosen[p] = true
		}
		for p, i := range idx {
			if chosen[p] {
				pick = append(pick, i)
				labels = append(labels, j)
			}
		}
	}
	out := &Dataset{N: n, H: ds.H, W: ds.W, C: ds.C, Labels: labels, Mean: ds.Mean}
	d := ds.D()
	out.X = make([]float32, n*d)
	for r, i := range pick {
		copy(out.X[r*d:(r+1)*d], ds.Row(i))
	}
	names := make([]string, k)
	parts := make([]string, k)
	for j, c := range classes {
		names[j] = ds.className(c)
		parts[j] = strconv.Itoa(c)
	}
	out.ClassNames = names
	out.Name = fmt.Sprintf("%s[%s]", ds.Name, strings.Join(parts, ","))
	if ds.Mean != nil {
		out.Mean = append([]float32(nil), ds.Mean...)
	}
	return out, nil
}

func (ds *Dataset) className(c int) string {
	if c >= 0 && c < len(ds.ClassNames) {
		return ds.ClassNames[c]
	}
	return strconv.Itoa(c)
}

// ClassIndex resolves a class given by name (case-insensitive) or by its decimal label against
// names.
func ClassIndex(names []string, class string) (int, error) {
	for i, n := range names {
		if strings.EqualFold(n, class) {
			return i, nil
		}
	}
	if v, err := strconv.Atoi(class); err == nil && v >= 0 && (len(names) == 0 || v < len(names)) {
		return v, nil
	}
	return 0, fmt.Errorf("datasets: unknown class %q (known: %s)", class, strings.Join(names, ", "))
}
