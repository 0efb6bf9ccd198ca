package datasets

import (
	"fmt"

	"github.com/gomlx/gomlx/core/tensors"
)

// Dataset is a set of n images of H×W pixels with C channels, stored as float32 in HWC order
// (channels last, as gomlx convolutions expect), one image after the other, with one integer
// label per image.
//
// Pixel scale: a raw byte b becomes b/255, so raw pixels lie in [0, 1]. When Mean is non-nil the
// per-channel mean Mean[c] has been subtracted (SI D.2: "the data are centered in each channel").
type Dataset struct {
	// Name says where the data came from, e.g. "fashion-mnist[1,8]".
	Name string
	// N, H, W, C are the number of images, their height, width and channel count.
	N, H, W, C int
	// X holds the N*H*W*C pixel values, image i at X[i*D() : (i+1)*D()], pixel (y, x, c) of an
	// image at offset (y*W+x)*C + c.
	X []float32
	// Labels holds one label per image. After Select they index ClassNames.
	Labels []int
	// ClassNames names the labels, ClassNames[label]; may be nil.
	ClassNames []string
	// Mean is the per-channel mean that was subtracted from X, nil if X is uncentred.
	Mean []float32
}

// D is the dimension of one image seen as a vector, H*W*C.
func (ds *Dataset) D() int { return ds.H * ds.W * ds.C }

// Row returns image i as a flat slice of length D() (a view into X, not a copy).
func (ds *Dataset) Row(i int) []float32 { d := ds.D(); return ds.X[i*d : (i+1)*d] }

// Check verifies that the sizes of X, Labels and Mean agree with N, H, W, C.
func (ds *Dataset) Check() error {
	if ds == nil {
		return fmt.Errorf("datasets: nil dataset")
	}
	if ds.N < 0 || ds.H <= 0 || ds.W <= 0 || ds.C <= 0 {
		return fmt.Errorf("datasets: %s: bad shape n=%d h=%d w=%d c=%d", ds.Name, ds.N, ds.H, ds.W, ds.C)
	}
	if len(ds.X) != ds.N*ds.D() {
		return fmt.Errorf("datasets: %s: len(X)=%d, want n*h*w*c=%d", ds.Name, len(ds.X), ds.N*ds.D())
	}
	if len(ds.Labels) != ds.N {
		return fmt.Errorf("datasets: %s: len(Labels)=%d, want n=%d", ds.Name, len(ds.Labels), ds.N)
	}
	if ds.Mean != nil && len(ds.Mean) != ds.C {
		return fmt.Errorf("datasets: %s: len(Mean)=%d, want c=%d", ds.Name, len(ds.Mean), ds.C)
	}
	return nil
}

// Clone returns a deep copy.
func (ds *Dataset) Clone() *Dataset {
	c := *ds
	c.X = append([]float32(nil), ds.X...)
	c.Labels = append([]int(nil), ds.Labels...)
	c.ClassNames = append([]string(nil), ds.ClassNames...)
	if ds.Mean != nil {
		c.Mean = append([]float32(nil), ds.Mean...)
	}
	return &c
}

// Tensor returns the images as a float32 gomlx tensor of shape [N, H, W, C].
func (ds *Dataset) Tensor() *tensors.Tensor {
	return tensors.FromFlatDataAndDimensions(append([]float32(nil), ds.X...), ds.N, ds.H, ds.W, ds.C)
}

// FlatTensor returns the images as a float32 gomlx tensor of shape [N, D()], the layout of the
// score functions (pkg/score).
func (ds *Dataset) FlatTensor() *tensors.Tensor {
	return tensors.FromFlatDataAndDimensions(append([]float32(nil), ds.X...), ds.N, ds.D())
}

// LabelsTensor returns the labels as an int32 gomlx tensor of shape [N].
func (ds *Dataset) LabelsTensor() *tensors.Tensor {
	l := make([]int32, len(ds.Labels))
	for i, v := range ds.Labels {
		l[i] = int32(v)
	}
	return tensors.FromFlatDataAndDimensions(l, len(l))
}

// Float64 returns the images as a flat float64 slice of length N*D(), row i = image i, for the
// float64 science packages.
func (ds *Dataset) Float64() []float64 {
	out := make([]float64, len(ds.X))
	for i, v := range ds.X {
		out[i] = float64(v)
	}
	return out
}

// Channel returns channel c of every image as a flat float32 slice of N rows of H*W values
// (Table 1's Λ is computed on the first channel only, SI D.2).
func (ds *Dataset) Channel(c int) ([]float32, error) {
	if c < 0 || c >= ds.C {
		return nil, fmt.Errorf("datasets: %s: channel %d out of range [0,%d)", ds.Name, c, ds.C)
	}
	hw := ds.H * ds.W
	out := make([]float32, ds.N*hw)
	for i := 0; i < ds.N; i++ {
		row := ds.Row(i)
		for p := 0; p < hw; p++ {
			out[i*hw+p] = row[p*ds.C+c]
		}
	}
	return out, nil
}

// Image returns image i with the channel means added back (pixel scale [0, 1]) in HWC order,
// for display.
func (ds *Dataset) Image(i int) ([]float32, error) {
	if i < 0 || i >= ds.N {
		return nil, fmt.Errorf("datasets: %s: image %d out of range [0,%d)", ds.Name, i, ds.N)
	}
	out := append([]float32(nil), ds.Row(i)...)
	if ds.Mean != nil {
		for p := range out {
			out[p] += ds.Mean[p%ds.C]
		}
	}
	return out, nil
}

// ClassCounts returns how many images carry each label.
func (ds *Dataset) ClassCounts() map[int]int {
	m := map[int]int{}
	for _, l := range ds.Labels {
		m[l]++
	}
	return m
}
