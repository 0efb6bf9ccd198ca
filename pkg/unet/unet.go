package unet

import (
	"fmt"
	"math"

	"github.com/diffregimes/diffregimes/pkg/vjp"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// Scope is the store scope under which the U-Net's parameters live.
const Scope = "unet"

// Model is a U-Net denoiser built from a validated Config.
type Model struct {
	Config Config
}

// New validates cfg and returns the model.
func New(cfg Config) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Model{Config: cfg}, nil
}

// Eps returns the predicted noise ξ_θ(x(t'), t') of eq. (60) for images x of shape
// [b, H, W, C] (float32, channels last) at the discrete DDPM steps t' given as a float32 [b]
// node (fractional steps are allowed: the time embedding is continuous in t').
//
// Parameters are created in scope (normally store.RootScope().In(unet.Scope)) on first use.
// It panics, as gomlx graph builders do, on shapes that disagree with cfg; call cfg.Validate
// and CheckInput first to get errors instead.
func (m *Model) Eps(scope *model.Scope, x, steps *Node) *Node {
	cfg := m.Config
	if scope.Store() != nil {
		if _, found := scope.Store().GetParam(ParamSeedKey); !found {
			scope.Store().SetParam(ParamSeedKey, cfg.Seed)
		}
	}
	if err := CheckInput(cfg, x.Shape().Dimensions); err != nil {
		panic(err)
	}
	bsz := x.Shape().Dim(0)
	if steps.Rank() != 1 || steps.Shape().Dim(0) != bsz {
		panic(fmt.Sprintf("unet.Eps: steps must have shape [%d], got %s", bsz, steps.Shape()))
	}
	td := cfg.TimeDim()
	temb := TimeEmbedding(steps, cfg.Base)
	temb = dense(scope.In("time_dense_0"), temb, td)
	temb = dense(scope.In("time_dense_1"), silu(temb), td)

	lay := layoutOf(cfg, x)
	conv := func(s *model.Scope, x *Node, cout, stride int) *Node {
		return lay.conv(s, x, cout, 3, stride, cfg.Conv, heStd(9*lay.channels(x)))
	}
	h := conv(scope.In("conv_in"), lay.in(x), cfg.Base, 1)
	skips := []*Node{h}
	for l, m := range cfg.Mults {
		for r := range cfg.ResBlocks {
			h = resBlock(scope.In("down_%d_res_%d", l, r), cfg, lay, h, temb, cfg.Base*m)
			if cfg.hasAttention(l) {
				h = attention(scope.In("down_%d_attn_%d", l, r), cfg, lay, h)
			}
			skips = append(skips, h)
		}
		if l < cfg.Levels()-1 {
			h = conv(scope.In("down_%d_downsample", l), h, lay.channels(h), 2)
			skips = append(skips, h)
		}
	}
	ch := lay.channels(h)
	h = resBlock(scope.In("mid_res_0"), cfg, lay, h, temb, ch)
	h = attention(scope.In("mid_attn"), cfg, lay, h)
	h = resBlock(scope.In("mid_res_1"), cfg, lay, h, temb, ch)
	for l := cfg.Levels() - 1; l >= 0; l-- {
		for r := range cfg.ResBlocks + 1 {
			s := skips[len(skips)-1]
			skips = skips[:len(skips)-1]
			h = lay.concat(h, s)
			h = resBlock(scope.In("up_%d_res_%d", l, r), cfg, lay, h, temb, cfg.Base*cfg.Mults[l])
			if cfg.hasAttention(l) {
				h = attention(scope.In("up_%d_attn_%d", l, r), cfg, lay, h)
			}
		}
		if l > 0 {
			h = conv(scope.In("up_%d_upsample", l), lay.upsample2(h), lay.channels(h), 1)
		}
	}
	h = lay.silu(lay.groupNorm(scope.In("norm_out"), h, cfg.Groups))
	return lay.out(lay.conv(scope.In("conv_out"), h, cfg.Channels, 3, 1, cfg.Conv, 0))
}

// CheckInput returns an error when an input of dimensions dims = [b, H, W, C] does not fit cfg:
// wrong rank, size or channel count, or a size not divisible by 2^(levels-1).
func CheckInput(cfg Config, dims []int) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	if len(dims) != 4 {
		return fmt.Errorf("unet: input must be [batch, H, W, C], got dimensions %v", dims)
	}
	if dims[1] != cfg.ImageSize || dims[2] != cfg.ImageSize {
		return fmt.Errorf("unet: input is %dx%d but the model is configured for %dx%d images", dims[1], dims[2], cfg.ImageSize, cfg.ImageSize)
	}
	if dims[3] != cfg.Channels {
		return fmt.Errorf("unet: input has %d channels but the model has %d", dims[3], cfg.Channels)
	}
	return nil
}

// TimeEmbedding is the sinusoidal position embedding of the steps [b] (Vaswani et al. 2017, as
// used by Ho et al. 2020): for i < dim/2, e_i = sin(t' ω_i) and e_{dim/2+i} = cos(t' ω_i) with
// ω_i = 10000^{-i/(dim/2-1)}. dim must be even and >= 4. Returns [b, dim].
func TimeEmbedding(steps *Node, dim int) *Node {
	if dim < 4 || dim%2 != 0 {
		panic(fmt.Sprintf("unet.TimeEmbedding: dim must be even and >= 4, got %d", dim))
	}
	half := dim / 2
	freqs := make([]float32, half)
	for i := range freqs {
		freqs[i] = float32(math.Exp(-math.Log(10000) * float64(i) / float64(half-1)))
	}
	g := steps.Graph()
	bsz := steps.Shape().Dim(0)
	arg := Mul(Reshape(ConvertDType(steps, dtypes.Float32), bsz, 1), Reshape(Const(g, freqs), 1, half))
	return Concatenate([]*Node{Sin(arg), Cos(arg)}, 1)
}

// resBlock is the DDPM residual block: GN → SiLU → conv3 → + dense(SiLU(temb)) → GN → SiLU →
// conv3 (zero-initialised), plus the input (through a 1×1 conv when the width changes).
func resBlock(scope *model.Scope, cfg Config, lay layout, x, temb *Node, cout int) *Node {
	h := lay.silu(lay.groupNorm(scope.In("norm_0"), x, cfg.Groups))
	h = lay.conv(scope.In("conv_0"), h, cout, 3, 1, cfg.Conv, heStd(9*lay.channels(h)))
	h = lay.addPerExample(h, dense(scope.In("time"), silu(temb), cout))
	h = lay.silu(lay.groupNorm(scope.In("norm_1"), h, cfg.Groups))
	h = lay.conv(scope.In("conv_1"), h, cout, 3, 1, cfg.Conv, 0)
	if lay.channels(x) != cout {
		x = lay.conv(scope.In("skip"), x, cout, 1, 1, cfg.Conv, heStd(lay.channels(x)))
	}
	return Add(x, h)
}

// attention is single-head self-attention over the H·W pixels with a residual connection:
// x + proj(softmax(q kᵀ/√C) v), with q, k, v linear maps of GroupNorm(x) and proj
// zero-initialised. It runs channels last (it is applied at the two coarse levels only).
func attention(scope *model.Scope, cfg Config, lay layout, x *Node) *Node {
	x = lay.out(x)
	s := x.Shape()
	bsz, h, w, c := s.Dim(0), s.Dim(1), s.Dim(2), s.Dim(3)
	n := h * w
	hn := GroupNorm(scope.In("norm"), x).Groups(cfg.Groups).Done()
	flat := Reshape(hn, bsz*n, c)
	q := Reshape(dense(scope.In("q"), flat, c), bsz, n, c)
	k := Reshape(dense(scope.In("k"), flat, c), bsz, n, c)
	v := Reshape(dense(scope.In("v"), flat, c), bsz, n, c)
	var a *Node
	if lay.cf {
		a = attend(q, k, v, 1/math.Sqrt(float64(c)))
	} else {
		logits := MulScalar(Einsum("bnc,bmc->bnm", q, k), 1/math.Sqrt(float64(c)))
		a = Einsum("bnm,bmc->bnc", Softmax(logits, 2), v)
	}
	out := denseInit(scope.In("proj"), Reshape(a, bsz*n, c), c, 0)
	return lay.in(Add(x, Reshape(out, bsz, h, w, c)))
}

// dense is an affine map of the last axis of x [rows, cin] to cout.
func dense(scope *model.Scope, x *Node, cout int) *Node {
	return denseInit(scope, x, cout, heStd(x.Shape().Dim(x.Rank()-1)))
}

// denseInit is dense with the weights' initial standard deviation (0: zeros, see conv2D).
func denseInit(scope *model.Scope, x *Node, cout int, std float64) *Node {
	cin := x.Shape().Dim(x.Rank() - 1)
	w := param(scope, x.Graph(), "weights", 0, std, cin, cout)
	b := param(scope, x.Graph(), "biases", 0, 0, cout)
	return Add(vjp.MatMul(x, w), Reshape(b, 1, cout))
}

// upsample2 doubles H and W by nearest-neighbour repetition: [b,H,W,C] → [b,2H,2W,C].
func upsample2(x *Node) *Node {
	s := x.Shape()
	bsz, h, w, c := s.Dim(0), s.Dim(1), s.Dim(2), s.Dim(3)
	y := BroadcastToDims(Reshape(x, bsz, h, 1, w, 1, c), bsz, h, 2, w, 2, c)
	return Reshape(y, bsz, 2*h, 2*w, c)
}

func silu(x *Node) *Node { return Mul(x, Logistic(x)) }
