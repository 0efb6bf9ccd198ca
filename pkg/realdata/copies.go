package realdata

import (
	"fmt"
	"math"

	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/datasets"
)

// CopyThreshold is the memorisation criterion of Bonnaire, Urfin, Biroli, Mézard, "Why diffusion
// models don't memorize" (arXiv 2505.17638): a generated sample is a copy of the training set
// when its L2 distance to its nearest training image is below CopyThreshold times its distance to
// the second nearest.
const CopyThreshold = 1.0 / 3

// CopyStats is the fraction of copies among generated samples.
type CopyStats struct {
	// Samples is the number of samples, Copies how many are copies.
	Samples, Copies int
	// Fraction is Copies/Samples with three standard errors (Bernoulli), as clone.Estimate.
	Fraction clone.Estimate
	// Ratio is, per sample, d₁/d₂: the distance to the nearest training image over the distance
	// to the second nearest (a copy has Ratio < CopyThreshold).
	Ratio []float64
}

// CopyFraction counts the copies among samples whose nearest and second-nearest distances to
// the training set are d1 and d2 (same length, d1 <= d2).
func CopyFraction(d1, d2 []float64) (*CopyStats, error) {
	if len(d1) != len(d2) || len(d1) == 0 {
		return nil, fmt.Errorf("realdata: CopyFraction: need equal, non-empty distance lists, got %d and %d", len(d1), len(d2))
	}
	s := &CopyStats{Samples: len(d1), Ratio: make([]float64, len(d1))}
	for i := range d1 {
		if d1[i] > d2[i] || d1[i] < 0 || math.IsNaN(d1[i]) || math.IsNaN(d2[i]) {
			return nil, fmt.Errorf("realdata: CopyFraction: sample %d has d1 = %g, d2 = %g: need 0 <= d1 <= d2", i, d1[i], d2[i])
		}
		switch {
		case d2[i] > 0:
			s.Ratio[i] = d1[i] / d2[i]
		default: // two identical training images and the sample on them
			s.Ratio[i] = 1
		}
		if d1[i] < CopyThreshold*d2[i] {
			s.Copies++
		}
	}
	s.Fraction = clone.Bernoulli(s.Copies, s.Samples)
	return s, nil
}

// Copies returns the copy statistics of generated samples x ([b, d] row-major, the data's
// centred scale) against the experiment's training set (exact float64 nearest-neighbour scan).
func (e *Experiment) Copies(x []float32) (*CopyStats, error) {
	if e.N() < 2 {
		return nil, fmt.Errorf("realdata: Copies: need at least two training images, have %d", e.N())
	}
	nb, err := e.KNearest(x, 2)
	if err != nil {
		return nil, err
	}
	d1, d2 := make([]float64, len(nb.Dist)), make([]float64, len(nb.Dist))
	for i, d := range nb.Dist {
		d1[i], d2[i] = d[0], d[1]
	}
	return CopyFraction(d1, d2)
}

// PixelStats are the pixel mean and standard deviation of a set of images, in pixel scale
// [0, 1] (the data's channel means added back).
type PixelStats struct {
	Mean, Std float64
}

// PixelStatsOf returns the mean and standard deviation over all values of the images x
// (row-major, centred by the data's channel means when ds.Mean is set, which are added back).
func PixelStatsOf(ds *datasets.Dataset, x []float32) (PixelStats, error) {
	d := ds.D()
	if len(x) == 0 || len(x)%d != 0 {
		return PixelStats{}, fmt.Errorf("realdata: PixelStatsOf: %d values are not a non-empty multiple of d = %d", len(x), d)
	}
	var sum, sum2 float64
	for i, v := range x {
		p := float64(v)
		if ds.Mean != nil {
			p += float64(ds.Mean[i%ds.C])
		}
		sum += p
		sum2 += p * p
	}
	n := float64(len(x))
	mean := sum / n
	return PixelStats{Mean: mean, Std: math.Sqrt(max(0, sum2/n-mean*mean))}, nil
}
