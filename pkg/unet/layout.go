package unet

import (
	"fmt"

	"github.com/diffregimes/diffregimes/pkg/vjp"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// layout is how Eps lays out its feature maps. With the Grid convolution they are channels
// first, [C, b, H, W]: each channel of the flattened padded image is one contiguous row, so the
// k² shifted copies of the grid convolution, and the concatenation of skips, are a few large
// block copies, and every matmul of a convolution and of its gradients has its operands in the
// layout of the pure-Go matmul kernel. Otherwise (Im2Col, ShiftSum, Native) they are
// channels last, [b, H, W, C], the layout of the images and of gomlx's Convolve.
type layout struct{ cf bool }

func layoutOf(cfg Config, x *Node) layout { return layout{cf: cfg.Conv.resolve(x) == Grid} }

// channels returns the channel count of a feature map.
func (l layout) channels(x *Node) int {
	if l.cf {
		return x.Shape().Dim(0)
	}
	return x.Shape().Dim(3)
}

// in converts images [b, H, W, C] to the layout; out converts back.
func (l layout) in(x *Node) *Node {
	if l.cf {
		return TransposeAllAxes(x, 3, 0, 1, 2)
	}
	return x
}

func (l layout) out(x *Node) *Node {
	if l.cf {
		return TransposeAllAxes(x, 1, 2, 3, 0)
	}
	return x
}

// conv is conv2D in the layout; the parameters are the same in both.
func (l layout) conv(scope *model.Scope, x *Node, cout, k, stride int, impl ConvImpl, std float64) *Node {
	if !l.cf {
		return conv2D(scope, x, cout, k, stride, impl, std)
	}
	cin := x.Shape().Dim(0)
	w := param(scope, x.Graph(), "weights", 0, std, k, k, cin, cout)
	b := param(scope, x.Graph(), "biases", 0, 0, cout)
	return convGridCF(x, w, b, k, stride)
}

// addPerExample adds t [b, C] to every pixel of x.
func (l layout) addPerExample(x, t *Node) *Node {
	bsz, c := t.Shape().Dim(0), t.Shape().Dim(1)
	if !l.cf {
		return Add(x, Reshape(t, bsz, 1, 1, c))
	}
	return vjp.Custom([]*Node{x, t}, func(in []*Node) (*Node, vjp.Backward) {
		y := Add(in[0], Reshape(TransposeAllAxes(in[1], 1, 0), c, bsz, 1, 1))
		return y, func(v *Node) []*Node {
			dt := Reshape(vjp.SumRows(Reshape(v, c*bsz, v.Shape().Size()/(c*bsz))), c, bsz)
			return []*Node{v, TransposeAllAxes(dt, 1, 0)}
		}
	})
}

// concat concatenates feature maps along the channels.
func (l layout) concat(a, b *Node) *Node {
	if l.cf {
		return Concatenate([]*Node{a, b}, 0)
	}
	return Concatenate([]*Node{a, b}, 3)
}

// upsample2 doubles H and W by nearest-neighbour repetition.
func (l layout) upsample2(x *Node) *Node {
	if !l.cf {
		return upsample2(x)
	}
	s := x.Shape()
	c, bsz, h, w := s.Dim(0), s.Dim(1), s.Dim(2), s.Dim(3)
	y := BroadcastToDims(Reshape(x, c, bsz, h, 1, w, 1), c, bsz, h, 2, w, 2)
	return Reshape(y, c, bsz, 2*h, 2*w)
}

// silu is x·σ(x).
func (l layout) silu(x *Node) *Node {
	if l.cf {
		return siluCF(x)
	}
	return silu(x)
}

// groupNorm is GroupNorm (same parameters) in the layout.
func (l layout) groupNorm(scope *model.Scope, x *Node, groups int) *Node {
	if !l.cf {
		return GroupNorm(scope, x).Groups(groups).Done()
	}
	c := x.Shape().Dim(0)
	if groups <= 0 || c%groups != 0 {
		panic(fmt.Sprintf("unet.GroupNorm: %d groups do not divide %d channels", groups, c))
	}
	gamma := param(scope, x.Graph(), "gamma", 1, 0, c)
	beta := param(scope, x.Graph(), "beta", 0, 0, c)
	return groupNormCF(x, gamma, beta, groups, 1e-5)
}

// convGridCF is the Grid convolution (padding (k-1)/2, stride 1 or 2) plus the bias b [Cout]
// of channels-first x [Cin, b, H, W], with w [k, k, Cin, Cout]: [Cout, b, oh, ow]. With Xp the
// image zero-padded by p = (k-1)/2 and flattened to columns r = (b·Hp + i)·Wp + j, the window of
// output (i, j) at offset (dy, dx) is column r + dy·Wp + dx, so each of the k² patch rows is Xp
// shifted along its columns: all k² copies are made by one concatenation of long runs (zero
// blocks between them), y = W₂·cols with W₂ [Cout, k²·Cin] is computed at every grid column, and
// one strided Slice keeps the outputs. The gradients: ∂W₂ = v·colsᵀ (both operands already
// [·, columns], no transpose), and ∂x the same construction run on the gradient with the
// transposed kernel, cropped once.
func convGridCF(x, w, bias *Node, k, stride int) *Node {
	s := x.Shape()
	cin, bsz, h, wd := s.Dim(0), s.Dim(1), s.Dim(2), s.Dim(3)
	cout := w.Shape().Dim(3)
	if k == 1 && stride == 1 {
		return vjp.Custom([]*Node{x, w, bias}, func(in []*Node) (*Node, vjp.Backward) {
			x2, w2 := Reshape(in[0], cin, bsz*h*wd), Reshape(in[1], cin, cout)
			y := DotGeneral(w2, []int{0}, nil, x2, []int{0}, nil) // [Cout, b·H·W]
			y = Add(y, Reshape(in[2], cout, 1))
			return Reshape(y, cout, bsz, h, wd), func(v *Node) []*Node {
				v2 := Reshape(v, cout, bsz*h*wd)
				dx := DotGeneral(w2, []int{1}, nil, v2, []int{0}, nil) // W·v: [Cin, b·H·W]
				dw := DotGeneral(x2, []int{1}, nil, v2, []int{1}, nil) // x·vᵀ: [Cin, Cout]
				return []*Node{Reshape(dx, cin, bsz, h, wd), Reshape(dw, 1, 1, cin, cout), vjp.SumRows(v2)}
			}
		})
	}
	p := (k - 1) / 2
	hp, wp := h+2*p, wd+2*p
	oh, ow := (h-1)/stride+1, (wd-1)/stride+1
	rows := bsz * hp * wp      // the padded grid
	ext := (bsz + 1) * hp * wp // plus one image of slack, so that crops are one Slice
	shift := 2 * p * (wp + 1)  // the largest offset, (k-1)·Wp + (k-1)
	offsets := make([]int, 0, k*k)
	for dy := range k {
		for dx := range k {
			offsets = append(offsets, dy*wp+dx)
		}
	}
	// shifted lays k² copies of flat [c, rows] side by side in each channel's row, copy o
	// starting at column start(offset_o) of its own ext columns: [c·k², ext], ordered
	// (channel, offset). One Concatenate of whole runs (Pad would copy element by element when
	// the padded axis is the last one).
	shifted := func(flat *Node, start func(off int) int) *Node {
		c := flat.Shape().Dim(0)
		parts := make([]*Node, 0, 2*len(offsets)+1)
		gap := 0
		for _, off := range offsets {
			a := start(off)
			if gap+a > 0 {
				parts = append(parts, Zeros(flat.Graph(), shapes.Make(flat.DType(), c, gap+a)))
			}
			parts = append(parts, flat)
			gap = ext - rows - a
		}
		if gap > 0 {
			parts = append(parts, Zeros(flat.Graph(), shapes.Make(flat.DType(), c, gap)))
		}
		return Reshape(Concatenate(parts, 1), c*len(offsets), ext)
	}
	// grid places v [c, b, o_h, o_w] on the [c, b, Hp, Wp] grid, output (i, j) at
	// (i·stride, j·stride).
	grid := func(v *Node) *Node {
		if stride == 1 {
			return padZeros(padZeros(v, 3, 0, wp-wd), 2, 0, hp-h)
		}
		spread := func(o, n int) compute.PadAxis {
			return compute.PadAxis{End: n - (o-1)*stride - 1, Interior: stride - 1}
		}
		return Pad(v, ScalarZero(v.Graph(), v.DType()), compute.PadAxis{}, compute.PadAxis{}, spread(oh, hp), spread(ow, wp))
	}
	kk := k * k
	return vjp.Custom([]*Node{x, w, bias}, func(in []*Node) (*Node, vjp.Backward) {
		x, w := in[0], in[1]
		xp := padZeros(padZeros(x, 3, p, p), 2, p, p)
		// Column q of copy o holds Xp[q - shift + offset_o]: output row r sits at column r + shift.
		cols := shifted(Reshape(xp, cin, rows), func(off int) int { return shift - off })
		w2 := Reshape(TransposeAllAxes(Reshape(w, kk, cin, cout), 2, 1, 0), cout, cin*kk) // [Cout, (Cin, o)]
		y := DotGeneral(w2, []int{1}, nil, cols, []int{0}, nil)                           // [Cout, ext]
		y = Add(y, Reshape(in[2], cout, 1))
		// Column r + shift = (b·Hp + i + 2p)·Wp + j + 2p.
		y = Slice(Reshape(y, cout, bsz+1, hp, wp), AxisRange(), AxisRange(0, bsz),
			AxisRange(2*p, 2*p+h).Stride(stride), AxisRange(2*p, 2*p+wd).Stride(stride))
		return y, func(v *Node) []*Node {
			// V on the grid positions of the outputs, [Cout, rows]; the same shifted by shift
			// columns is V at the columns of y, [Cout, ext].
			vg := Reshape(grid(v), cout, rows)
			vt := padZeros(vg, 1, shift, ext-rows-shift)
			dw2 := DotGeneral(vt, []int{1}, nil, cols, []int{1}, nil) // [Cout, (Cin, o)]
			dw := Reshape(TransposeAllAxes(Reshape(dw2, cout, cin, kk), 2, 1, 0), k, k, cin, cout)
			// ∂Xp[r] = Σ_o W_oᵀ·V[r - offset_o].
			vcols := shifted(vg, func(off int) int { return off })
			w3 := Reshape(TransposeAllAxes(Reshape(w, kk, cin, cout), 1, 2, 0), cin, cout*kk) // [Cin, (Cout, o)]
			dxp := DotGeneral(w3, []int{1}, nil, vcols, []int{0}, nil)                        // [Cin, ext]
			dx := Slice(Reshape(dxp, cin, bsz+1, hp, wp), AxisRange(), AxisRange(0, bsz),
				AxisRange(p, p+h), AxisRange(p, p+wd))
			return []*Node{dx, dw, vjp.SumRows(Reshape(v, cout, v.Shape().Size()/cout))}
		}
	})
}

// groupNormCF is GroupNorm of x [C, b, H, W] with scale gamma [C] and offset beta [C], with a
// hand-written gradient: per (channel, example) sums over the pixels, all the group algebra on
// [C, b] tensors, and three element-wise passes each way.
func groupNormCF(x, gamma, beta *Node, groups int, eps float64) *Node {
	s := x.Shape()
	c, bsz, h, w := s.Dim(0), s.Dim(1), s.Dim(2), s.Dim(3)
	cg := c / groups
	count := float64(cg * h * w)
	// perGroup sums [C, b] over each group's channels and broadcasts back: [C, b].
	perGroup := func(t *Node) *Node {
		g := ReduceSum(Reshape(t, groups, cg, bsz), 1)
		return Reshape(BroadcastToDims(Reshape(g, groups, 1, bsz), groups, cg, bsz), c, bsz)
	}
	// pixelSums sums [C, b, H·W] over the pixels: [C, b].
	pixelSums := func(t *Node) *Node { return Reshape(vjp.SumRows(Reshape(t, c*bsz, h*w)), c, bsz) }
	return vjp.Custom([]*Node{x, gamma, beta}, func(in []*Node) (*Node, vjp.Backward) {
		x3, gamma, beta := Reshape(in[0], c, bsz, h*w), in[1], in[2]
		mean := DivScalar(perGroup(pixelSums(x3)), count)
		centered := Sub(x3, Reshape(mean, c, bsz, 1))
		variance := DivScalar(perGroup(pixelSums(Square(centered))), count)
		rstd := Inverse(Sqrt(AddScalar(variance, eps))) // [C, b]
		scale := Mul(rstd, Reshape(gamma, c, 1))        // γ_c / σ_g
		y := Add(Mul(centered, Reshape(scale, c, bsz, 1)), Reshape(beta, c, 1, 1))
		return Reshape(y, c, bsz, h, w), func(v *Node) []*Node {
			v3 := Reshape(v, c, bsz, h*w)
			sv := pixelSums(v3)                    // Σ_pixels v        [C, b]
			svc := pixelSums(Mul(v3, centered))    // Σ_pixels v·(x-μ)  [C, b]
			dgamma := ReduceSum(Mul(svc, rstd), 1) // Σ v·x̂
			dbeta := ReduceSum(sv, 1)
			g := Reshape(gamma, c, 1)
			m1 := DivScalar(perGroup(Mul(sv, g)), count)             // mean over the group of γv
			m2 := DivScalar(perGroup(Mul(Mul(svc, g), rstd)), count) // mean of γ v x̂
			// ∂x = σ⁻¹(γv − m1 − x̂·m2) = scale·v − σ⁻²m2·(x−μ) − σ⁻¹m1.
			a := Reshape(Neg(Mul(Square(rstd), m2)), c, bsz, 1)
			b := Reshape(Neg(Mul(rstd, m1)), c, bsz, 1)
			dx := Add(Add(Mul(v3, Reshape(scale, c, bsz, 1)), Mul(centered, a)), b)
			return []*Node{Reshape(dx, c, bsz, h, w), dgamma, dbeta}
		}
	})
}

// siluCF is x·σ(x) with σ computed as 1/(1+e^{-x}) (faster than Logistic on the pure-Go
// backend) and a gradient that reuses σ: v·σ·(1 + x·(1-σ)).
func siluCF(x *Node) *Node {
	return vjp.Custom([]*Node{x}, func(in []*Node) (*Node, vjp.Backward) {
		x := in[0]
		sig := Reciprocal(OnePlus(Exp(Neg(x))))
		return Mul(x, sig), func(v *Node) []*Node {
			return []*Node{Mul(Mul(v, sig), OnePlus(Mul(x, OneMinus(sig))))}
		}
	})
}

// attend is softmax(q·kᵀ·scale)·v for q, k, v [b, n, c], with a gradient whose products need
// no transpose of the [b, n, n] attention matrix (autodiff transposes it for ∂k and ∂v).
func attend(q, k, v *Node, scale float64) *Node {
	bsz, n := q.Shape().Dim(0), q.Shape().Dim(1)
	batch := []int{0}
	return vjp.Custom([]*Node{q, k, v}, func(in []*Node) (*Node, vjp.Backward) {
		q, k, v := in[0], in[1], in[2]
		// Every product below has its contracting axis last on the left and first on the
		// right (the pure-Go backend's fast "non-transposed" matmul): with c = 8-32 channels a
		// product contracting the last axes of both runs one horizontal sum per output, which
		// was 60% of a training step. Transposing the [b, n, c] operands is cheap.
		kt := TransposeAllAxes(k, 0, 2, 1)                                                     // [b, c, m]
		p := Softmax(MulScalar(DotGeneral(q, []int{2}, batch, kt, []int{1}, batch), scale), 2) // [b, n, m]
		o := DotGeneral(p, []int{2}, batch, v, []int{1}, batch)                                // [b, n, c]
		return o, func(do *Node) []*Node {
			// ∂v = pᵀ·do, computed as (doᵀ·p)ᵀ: only [b, n, c] tensors are transposed.
			dvt := DotGeneral(TransposeAllAxes(do, 0, 2, 1), []int{2}, batch, p, []int{1}, batch) // [b, c, m]
			dp := DotGeneral(do, []int{2}, batch, TransposeAllAxes(v, 0, 2, 1), []int{1}, batch)  // [b, n, m]
			rows := Reshape(vjp.SumRows(Reshape(Mul(dp, p), bsz*n, n)), bsz, n, 1)
			ds := MulScalar(Mul(p, Sub(dp, rows)), scale)
			dq := DotGeneral(ds, []int{2}, batch, k, []int{1}, batch)                             // [b, n, c]
			dkt := DotGeneral(TransposeAllAxes(q, 0, 2, 1), []int{2}, batch, ds, []int{1}, batch) // [b, c, m]
			return []*Node{dq, TransposeAllAxes(dkt, 0, 2, 1), TransposeAllAxes(dvt, 0, 2, 1)}
		}
	})
}
