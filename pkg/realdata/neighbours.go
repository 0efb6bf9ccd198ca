package realdata

import (
	"fmt"
	"math"
)

// Neighbours are the k nearest training images of each of a batch of samples (Figure 11),
// in increasing L2 distance.
type Neighbours struct {
	// K is the number of neighbours per sample.
	K int
	// Index[i][j] is the training index of the (j+1)-th nearest neighbour μ_{j+1} of sample i.
	Index [][]int
	// Dist[i][j] is its L2 distance |x_i - a_μ| (in the data's pixel scale).
	Dist [][]float64
}

// KNearest finds the k nearest training images of each sample x ([b, d] row-major) by an
// exact float64 scan over the training set (b·n·d operations: Figure 11 shows a few rows).
func (e *Experiment) KNearest(x []float32, k int) (*Neighbours, error) {
	d, n := e.D(), e.N()
	switch {
	case k < 1 || k > n:
		return nil, fmt.Errorf("realdata: KNearest: k = %d must be in [1, n = %d]", k, n)
	case len(x) == 0 || len(x)%d != 0:
		return nil, fmt.Errorf("realdata: KNearest: x has %d values, want a positive multiple of d = %d", len(x), d)
	}
	b := len(x) / d
	nb := &Neighbours{K: k, Index: make([][]int, b), Dist: make([][]float64, b)}
	for i := range b {
		xi := x[i*d : (i+1)*d]
		idx, dist := make([]int, 0, k+1), make([]float64, 0, k+1)
		for mu := range n {
			a := e.Points.Point(mu)
			var s float64
			for j, v := range xi {
				r := float64(v) - float64(a[j])
				s += r * r
			}
			if len(idx) == k && s >= dist[k-1] {
				continue
			}
			// Insert in order (k is small).
			p := len(idx)
			idx, dist = append(idx, mu), append(dist, s)
			for p > 0 && dist[p-1] > s {
				idx[p], dist[p] = idx[p-1], dist[p-1]
				p--
			}
			idx[p], dist[p] = mu, s
			if len(idx) > k {
				idx, dist = idx[:k], dist[:k]
			}
		}
		for j := range dist {
			dist[j] = math.Sqrt(dist[j])
		}
		nb.Index[i], nb.Dist[i] = idx, dist
	}
	return nb, nil
}

// NeighbourGrid lays out Figure 11: one row per sample, the sample then its K nearest
// training images, with display labels ("sample i", "μ1 d=…"), pixel scale [0, 1]. Use
// nbplot.Images(title, imgs, H, W, C).Cols(K+1).Labels(labels).
func (e *Experiment) NeighbourGrid(x []float32, nb *Neighbours) (imgs [][]float32, labels []string, err error) {
	samples, err := e.Images(x)
	if err != nil {
		return nil, nil, err
	}
	if nb == nil || len(nb.Index) != len(samples) {
		return nil, nil, fmt.Errorf("realdata: NeighbourGrid: neighbours of %d samples for %d samples", lenIndex(nb), len(samples))
	}
	for i, s := range samples {
		imgs = append(imgs, s)
		labels = append(labels, fmt.Sprintf("sample %d", i))
		for j, mu := range nb.Index[i] {
			a, err := e.Images(e.Points.Point(mu))
			if err != nil {
				return nil, nil, err
			}
			imgs = append(imgs, a[0])
			labels = append(labels, fmt.Sprintf("μ%d=%d d=%.2f", j+1, mu, nb.Dist[i][j]))
		}
	}
	return imgs, labels, nil
}

func lenIndex(nb *Neighbours) int {
	if nb == nil {
		return 0
	}
	return len(nb.Index)
}
