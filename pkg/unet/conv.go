package unet

import (
	"fmt"
	"strings"

	. "github.com/gomlx/gomlx/core/graph"
	"slices"

	"github.com/diffregimes/diffregimes/pkg/vjp"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/ml/model"
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
	if b != nil && strings.HasPrefix(b.Name(), "xla") {
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
		y = convGrid(x, w, k, stride)
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

// convGrid computes the convolution of x [b,H,W,Cin] with w [k,k,Cin,Cout] (padding (k-1)/2,
// stride s) on the padded grid: with Xp the image zero-padded by p = (k-1)/2 and flattened to
// rows r = (b·Hp + i)·Wp + j, the window of output (i, j) at offset (dy, dx) is row
// r + dy·Wp + dx, so each of the k² patch columns is Xp shifted by whole rows, which Pad does
// with block copies. The product is computed at every grid row and one strided Slice keeps
// the valid outputs. The gradients are the same construction run backwards (∂x is the
// convolution of the gradient with the transposed kernel, ∂w one matmul with the patch
// matrix), so autodiff's element-wise Slice/Transpose copies never appear.
func convGrid(x, w *Node, k, stride int) *Node {
	s := x.Shape()
	bsz, h, wd, cin := s.Dim(0), s.Dim(1), s.Dim(2), s.Dim(3)
	cout := w.Shape().Dim(3)
	if k == 1 && stride == 1 {
		y := vjp.MatMul(Reshape(x, bsz*h*wd, cin), Reshape(w, cin, cout))
		return Reshape(y, bsz, h, wd, cout)
	}
	p := (k - 1) / 2
	hp, wp := h+2*p, wd+2*p
	oh, ow := (h-1)/stride+1, (wd-1)/stride+1
	rows := bsz * hp * wp      // the padded grid
	ext := (bsz + 1) * hp * wp // the grid plus one image of slack, so crops are one Slice
	shift := 2 * p * (wp + 1)  // the largest row offset, (k-1)·Wp + (k-1)
	offsets := make([]int, 0, k*k)
	for dy := range k {
		for dx := range k {
			offsets = append(offsets, dy*wp+dx)
		}
	}
	// shifted returns the k² copies of flat [rows, c] placed at row start(off) in [ext, c],
	// side by side: [ext, k²·c].
	shifted := func(flat *Node, start func(off int) int) *Node {
		zero := ScalarZero(flat.Graph(), flat.DType())
		parts := make([]*Node, len(offsets))
		for i, off := range offsets {
			a := start(off)
			parts[i] = Pad(flat, zero, compute.PadAxis{Start: a, End: ext - rows - a}, compute.PadAxis{})
		}
		if len(parts) == 1 {
			return parts[0]
		}
		return Concatenate(parts, 1)
	}
	pad := func(v *Node, axes ...compute.PadAxis) *Node { return Pad(v, ScalarZero(v.Graph(), v.DType()), axes...) }
	// spread places v [.., oh, ow, ..] (axes ha, ha+1) at rows lo + i·stride of a length-n axis.
	spread := func(lo, o, n int) compute.PadAxis {
		return compute.PadAxis{Start: lo, End: n - lo - (o-1)*stride - 1, Interior: stride - 1}
	}
	return vjp.Custom([]*Node{x, w}, func(in []*Node) (*Node, vjp.Backward) {
		x, w := in[0], in[1]
		xp := pad(x, compute.PadAxis{}, compute.PadAxis{Start: p, End: p}, compute.PadAxis{Start: p, End: p}, compute.PadAxis{})
		// Column block o at row q' holds Xp[q' - shift + offset_o]: output row r sits at q' = r + shift.
		cols := shifted(Reshape(xp, rows, cin), func(off int) int { return shift - off })
		wf := Reshape(w, k*k*cin, cout)
		y := DotGeneral(cols, []int{1}, nil, wf, []int{0}, nil)
		// Row r + shift = (b·Hp + i + 2p)·Wp + j + 2p.
		y = Slice(Reshape(y, bsz+1, hp, wp, cout), AxisRange(0, bsz),
			AxisRange(2*p, 2*p+h).Stride(stride), AxisRange(2*p, 2*p+wd).Stride(stride), AxisRange())
		return y, func(v *Node) []*Node {
			// ∂w = colsᵀ·v with v laid out like y's rows; transposing v (Cout wide) is the cheap side.
			vt := pad(TransposeAllAxes(v, 3, 0, 1, 2), compute.PadAxis{}, compute.PadAxis{End: 1},
				spread(2*p, oh, hp), spread(2*p, ow, wp))
			dwt := DotGeneral(Reshape(vt, cout, ext), []int{1}, nil, cols, []int{0}, nil) // [Cout, k²Cin]
			dw := Reshape(TransposeAllAxes(dwt, 1, 0), k, k, cin, cout)
			// ∂Xp[r] = Σ_o V[r - offset_o]·W_oᵀ, V the gradient at the grid rows of the outputs.
			vg := pad(v, compute.PadAxis{}, spread(0, oh, hp), spread(0, ow, wp), compute.PadAxis{})
			vcols := shifted(Reshape(vg, rows, cout), func(off int) int { return off })
			wt := Reshape(TransposeAllAxes(w, 0, 1, 3, 2), k*k*cout, cin)
			dxp := DotGeneral(vcols, []int{1}, nil, wt, []int{0}, nil)
			dx := Slice(Reshape(dxp, bsz+1, hp, wp, cin), AxisRange(0, bsz),
				AxisRange(p, p+h), AxisRange(p, p+wd), AxisRange())
			return []*Node{dx, dw}
		}
	})
}
