package ddpm

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Data is a training set of N images of H×W×C float32 values, stored contiguously in
// [N, H, W, C] order (channels last), e.g. pkg/datasets' images, already centred/scaled.
type Data struct {
	Images     []float32
	N, H, W, C int
	// Spec, when set, identifies the training set; the Trainer records it in its checkpoints
	// and refuses to resume a checkpoint trained on another one.
	Spec DataSpec
}

// NewData validates and wraps a flat [n, h, w, c] slice (not copied).
func NewData(images []float32, n, h, w, c int) (*Data, error) {
	switch {
	case n < 1:
		return nil, fmt.Errorf("ddpm: data needs n >= 1 images, got %d", n)
	case h < 1 || w < 1 || c < 1:
		return nil, fmt.Errorf("ddpm: image shape %dx%dx%d must be positive", h, w, c)
	case len(images) != n*h*w*c:
		return nil, fmt.Errorf("ddpm: %d values do not make %d images of %dx%dx%d (want %d)", len(images), n, h, w, c, n*h*w*c)
	}
	for i, v := range images {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("ddpm: image value %d (image %d) is %v", i, i/(h*w*c), v)
		}
	}
	return &Data{Images: images, N: n, H: h, W: w, C: c}, nil
}

// ImageLen is the number of values per image, H·W·C.
func (d *Data) ImageLen() int { return d.H * d.W * d.C }

// Image returns image i (a sub-slice, not a copy).
func (d *Data) Image(i int) []float32 { return d.Images[i*d.ImageLen() : (i+1)*d.ImageLen()] }

// Stream tags keep the random streams of one seed independent.
const (
	streamOrder  = 0x0d0e0f00_00000000
	streamNoise  = 0x0e0f0a00_00000000
	streamSample = 0x0f0a0b00_00000000
	streamEval   = 0x0a0b0c00_00000000
)

// order returns the training-set permutation of epoch e: a pure function of (seed, e), so the
// data order after a resume is the order of the uninterrupted run.
func order(seed uint64, epoch, n int) []int {
	return rand.New(rand.NewPCG(seed, streamOrder|uint64(epoch))).Perm(n)
}

// batchIndices returns the indices of the images of training step s (0-based): the images at
// positions s·b ... s·b+b-1 of the concatenation of the epochs' permutations.
func batchIndices(seed uint64, step, b, n int) []int {
	out := make([]int, b)
	var perm []int
	epoch := -1
	for k := range b {
		pos := step*b + k
		if e := pos / n; e != epoch {
			epoch, perm = e, order(seed, e, n)
		}
		out[k] = perm[pos%n]
	}
	return out
}

// SplitImages cuts a flat slice of images of d values each (as returned by Sample) into one
// slice per image (no copy), e.g. for nbplot.Images.
func SplitImages(flat []float32, d int) [][]float32 {
	if d <= 0 {
		return nil
	}
	out := make([][]float32, 0, len(flat)/d)
	for i := 0; i+d <= len(flat); i += d {
		out = append(out, flat[i:i+d])
	}
	return out
}

// MovingAverage returns the steps 1..len(losses) and the trailing moving average of the losses
// over window steps (fewer at the start), for loss curves.
func MovingAverage(losses []float32, window int) (steps, avg []float64) {
	window = max(window, 1)
	steps, avg = make([]float64, len(losses)), make([]float64, len(losses))
	var sum float64
	for i, l := range losses {
		sum += float64(l)
		if i >= window {
			sum -= float64(losses[i-window])
		}
		steps[i], avg[i] = float64(i+1), sum/float64(min(i+1, window))
	}
	return steps, avg
}

// MeanStd returns the mean and standard deviation of the values, e.g. of all pixels of a set
// of samples, to compare with the training images.
func MeanStd(x []float32) (mean, std float64) {
	if len(x) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, v := range x {
		mean += float64(v)
	}
	mean /= float64(len(x))
	for _, v := range x {
		std += (float64(v) - mean) * (float64(v) - mean)
	}
	return mean, math.Sqrt(std / float64(len(x)))
}
