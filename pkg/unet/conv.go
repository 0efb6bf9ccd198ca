package unet

import (
	"fmt"

	. "github.com/gomlx/gomlx/core/graph"
	"slices"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/diffregimes/diffregimes/pkg/backend"
)

// ConvImpl selects how Conv2D is computed. The values are stored in checkpoints' model
// configurations (old checkpoints hold 0, which now means Auto).
type ConvImpl int

const (
	// Auto (the default) picks Native on an XLA backend and Grid on the pure-Go backend when
	// the graph is built.
	Auto ConvImpl = 0
	// ShiftSum is the sum over the k·k offsets of (shifted input) × (kernel slice), k·k
	// smaller matmuls, with autodiff gradients. Kept for the CPU comparison (BenchmarkConv).
	ShiftSum ConvImpl = 1
	// Native uses gomlx's Convolve (ConvGeneral): the choice on XLA/GPU, where cuDNN
	// implements it.
	Native ConvImpl = 2
	// Grid is the pure-Go backend's choice: im2col on the zero-padded image flattened to rows,
	// where every k×k offset is a whole-row shift made with block copies, one matmul and a
	// single crop, with hand-written gradients built the same way (pkg/vjp). Inside the U-Net
	// the feature maps are then kept channels first (see layout), which makes every copy a
	// long contiguous run.
	Grid ConvImpl = 3
	// Im2Col extracts the k×k patches with Pad + strided Slice + Concatenate and multiplies
	// them with the kernel reshaped to [k·k·Cin, Cout], with autodiff gradients: the first CPU
	// implementation, kept for comparison.
	Im2Col ConvImpl = 4
)

// ConvFor returns the implementation Auto picks on backend b.
func ConvFor(b compute.Backend) ConvImpl {
	if b != nil && !backend.IsGo(b) {
		return Native
	}
	return Grid
}

// resolve replaces Auto by the choice for x's backend.
func (c ConvImpl) resolve(x *Node) ConvImpl {
	if c == Auto {
		return ConvFor(x.Graph().Backend())
	}
	return c
}

// String names the implementation.
func (c ConvImpl) String() string {
	switch c {
	case Im2Col:
		return "im2col"
	case Native:
		return "native"
	case ShiftSum:
		return "shiftsum"
	case Grid:
		return "grid"
	case Auto:
		return "auto"
	}
	return fmt.Sprintf("ConvImpl(%d)", int(c))
}

// Conv2D is a k×k convolution with zero padding (k-1)/2 on each side (PyTorch's padding=1 for
// k = 3, gomlx's PadSame) over x of shape [b, H, W, Cin]
// (channels last) with stride 1 or 2, and a bias. Its kernel is stored as [k, k, Cin, Cout]
// (gomlx's channels-last layout) whichever ConvImpl computes it, so checkpoints do not
// depend on the implementation.
func Conv2D(scope *model.Scope, x *Node, cout, k, stride int, impl ConvImpl) *Node {
	return conv2D(scope, x, cout, k, stride, impl, heStd(k*k*x.Shape().Dim(3)))
}

// conv2D is Conv2D with the kernel's initial standard deviation; std = 0 starts it at zero,
// which Ho et al. (2020) use for the last layer of each residual branch and of the network so
// that the untrained U-Net predicts ξ_θ = 0 (loss 1) and its residual blocks start as identities.
func conv2D(scope *model.Scope, x *Node, cout, k, stride int, impl ConvImpl, std float64) *Node {
	g := x.Graph()
	cin := x.Shape().Dim(3)
	w := param(scope, g, "weights", 0, std, k, k, cin, cout)
	b := param(scope, g, "biases", 0, 0, cout)
	var y *Node
	switch impl.resolve(x) {
	case Native:
		y = Convolve(x, w).StridePerAxis(stride, stride).PadSame().Done()
	case ShiftSum:
		y = convIm2Col(x, w, k, stride, true)
	case Grid:
		// Channels first inside (see convGridCF), so the bias is added there.
		cf := convGridCF(TransposeAllAxes(x, 3, 0, 1, 2), w, b, k, stride)
		return TransposeAllAxes(cf, 1, 2, 3, 0)
	default:
		y = convIm2Col(x, w, k, stride, false)
	}
	return Add(y, Reshape(b, 1, 1, 1, cout))
}

// convIm2Col computes the "same" convolution of x [b,H,W,Cin] with w [k,k,Cin,Cout].
func convIm2Col(x, w *Node, k, stride int, sum bool) *Node {
	s := x.Shape()
	bsz, h, wd, cin := s.Dim(0), s.Dim(1), s.Dim(2), s.Dim(3)
	cout := w.Shape().Dim(3)
	// PyTorch's padding = (k-1)/2 on the low side (for stride 2 this differs from XLA's "SAME",
	// which pads only the high side); the high side gets what the last window needs.
	lo := (k - 1) / 2
	oh, ow := (h+2*lo-k)/stride+1, (wd+2*lo-k)/stride+1
	if k == 1 && stride == 1 {
		y := Dot(Reshape(x, bsz*h*wd, cin), Reshape(w, cin, cout)).Product()
		return Reshape(y, bsz, h, wd, cout)
	}
	hiH := max((oh-1)*stride+k-h-lo, 0)
	hiW := max((ow-1)*stride+k-wd-lo, 0)
	xp := padZeros(padZeros(x, 1, lo, hiH), 2, lo, hiW)
	patches := make([]*Node, 0, k*k)
	for dy := range k {
		for dx := range k {
			patches = append(patches, Slice(xp, AxisRange(),
				AxisRange(dy, dy+(oh-1)*stride+1).Stride(stride),
				AxisRange(dx, dx+(ow-1)*stride+1).Stride(stride),
				AxisRange()))
		}
	}
	if sum {
		var y *Node
		wk := Reshape(w, k*k, cin, cout)
		for i, p := range patches {
			term := Dot(Reshape(p, bsz*oh*ow, cin), Reshape(Slice(wk, AxisElem(i)), cin, cout)).Product()
			if y == nil {
				y = term
			} else {
				y = Add(y, term)
			}
		}
		return Reshape(y, bsz, oh, ow, cout)
	}
	cols := Concatenate(patches, 3) // [b, oh, ow, k*k*cin], ordered (dy, dx, c) like w.
	y := Dot(Reshape(cols, bsz*oh*ow, k*k*cin), Reshape(w, k*k*cin, cout)).Product()
	return Reshape(y, bsz, oh, ow, cout)
}

// padZeros pads axis of x with lo zeros before and hi after. It concatenates zero blocks
// rather than calling Pad because gomlx defines no gradient for Pad.
func padZeros(x *Node, axis, lo, hi int) *Node {
	parts := make([]*Node, 0, 3)
	block := func(n int) *Node {
		dims := slices.Clone(x.Shape().Dimensions)
		dims[axis] = n
		return Zeros(x.Graph(), shapes.Make(x.DType(), dims...))
	}
	if lo > 0 {
		parts = append(parts, block(lo))
	}
	parts = append(parts, x)
	if hi > 0 {
		parts = append(parts, block(hi))
	}
	if len(parts) == 1 {
		return x
	}
	return Concatenate(parts, axis)
}
