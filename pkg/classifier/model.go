package classifier

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// Config is the architecture of the network and the seed of its initial weights.
type Config struct {
	// Height, Width and Channels are the input image shape (channels last).
	Height, Width, Channels int
	// Classes is the number of output classes (2 for the paper's experiments).
	Classes int
	// Base is the number of channels of the first stage; stage s has Base·2^s channels.
	Base int
	// Stages is the number of resolution stages; each halves the image size.
	Stages int
	// Blocks is the number of residual blocks per stage.
	Blocks int
	// Seed drives the initial weights.
	Seed int64
}

// DefaultConfig is the network used for 32x32 images: two stages of 8 and 16 channels with
// one residual block each (about 9 000 parameters).
func DefaultConfig(height, width, channels, classes int) Config {
	return Config{Height: height, Width: width, Channels: channels, Classes: classes,
		Base: 8, Stages: 2, Blocks: 1, Seed: 1}
}

// Validate reports the first invalid field, by name.
func (c Config) Validate() error {
	switch {
	case c.Height < 4 || c.Width < 4:
		return fmt.Errorf("classifier: Config.Height/Width must be >= 4, got %dx%d", c.Height, c.Width)
	case c.Channels < 1:
		return fmt.Errorf("classifier: Config.Channels must be >= 1, got %d", c.Channels)
	case c.Classes < 2:
		return fmt.Errorf("classifier: Config.Classes must be >= 2, got %d", c.Classes)
	case c.Base < 1:
		return fmt.Errorf("classifier: Config.Base must be >= 1, got %d", c.Base)
	case c.Stages < 1 || c.Stages > 6:
		return fmt.Errorf("classifier: Config.Stages must be in [1, 6], got %d", c.Stages)
	case c.Blocks < 0:
		return fmt.Errorf("classifier: Config.Blocks must be >= 0, got %d", c.Blocks)
	}
	return nil
}

// Dim is the number of values of one input image, Height·Width·Channels.
func (c Config) Dim() int { return c.Height * c.Width * c.Channels }

// Logits builds the network's graph: x [b, Height, Width, Channels] float32 to logits
// [b, Classes]. Parameters are created in scope on first use (seeded by Config.Seed and the
// variable's path, so the initial weights do not depend on the build order).
func (c Config) Logits(scope *model.Scope, x *Node) *Node {
	if x.Rank() != 4 || !slices.Equal(x.Shape().Dimensions[1:], []int{c.Height, c.Width, c.Channels}) {
		panic(fmt.Sprintf("classifier: Logits: x must be [b, %d, %d, %d], got %s", c.Height, c.Width, c.Channels, x.Shape()))
	}
	h := relu(conv(scope.In("stem"), x, c.Base, 2, c.Seed, 1))
	for s := range c.Stages {
		st := scope.In("stage%d", s)
		if s > 0 {
			h = relu(conv(st.In("down"), h, c.Base<<s, 2, c.Seed, 1))
		}
		for k := range c.Blocks {
			bl := st.In("block%d", k)
			y := relu(conv(bl.In("conv1"), h, c.Base<<s, 1, c.Seed, 1))
			// The second conv starts small so each block starts close to the identity.
			y = conv(bl.In("conv2"), y, c.Base<<s, 1, c.Seed, 0.2)
			h = relu(Add(h, y))
		}
	}
	pooled := ReduceMean(h, 1, 2) // [b, channels]
	cin := pooled.Shape().Dim(1)
	head := scope.In("head")
	w := param(head, x.Graph(), "weights", c.Seed, math.Sqrt(1/float64(cin)), cin, c.Classes)
	b := param(head, x.Graph(), "biases", c.Seed, 0, 1, c.Classes)
	return Add(MatMul(pooled, w), b)
}

// conv is a 3x3 "same" convolution with stride 1 or 2 and a bias, on x [b, H, W, Cin],
// computed as one im2col matmul. gain scales the He initialisation.
func conv(scope *model.Scope, x *Node, cout, stride int, seed int64, gain float64) *Node {
	const k = 3
	g := x.Graph()
	s := x.Shape()
	bsz, h, wd, cin := s.Dim(0), s.Dim(1), s.Dim(2), s.Dim(3)
	w := param(scope, g, "weights", seed, gain*math.Sqrt(2/float64(k*k*cin)), k*k*cin, cout)
	b := param(scope, g, "biases", seed, 0, 1, cout)
	oh, ow := (h+stride-1)/stride, (wd+stride-1)/stride
	padH, padW := max((oh-1)*stride+k-h, 0), max((ow-1)*stride+k-wd, 0)
	xp := padZeros(padZeros(x, 1, padH/2, padH-padH/2), 2, padW/2, padW-padW/2)
	patches := make([]*Node, 0, k*k)
	for dy := range k {
		for dx := range k {
			patches = append(patches, Slice(xp, AxisRange(),
				AxisRange(dy, dy+(oh-1)*stride+1).Stride(stride),
				AxisRange(dx, dx+(ow-1)*stride+1).Stride(stride),
				AxisRange()))
		}
	}
	cols := Reshape(Concatenate(patches, 3), bsz*oh*ow, k*k*cin)
	y := Add(MatMul(cols, w), b)
	return Reshape(y, bsz, oh, ow, cout)
}

// padZeros pads axis of x with lo zeros before and hi after, by concatenation: gomlx has no
// gradient for Pad.
func padZeros(x *Node, axis, lo, hi int) *Node {
	if lo == 0 && hi == 0 {
		return x
	}
	block := func(n int) *Node {
		dims := slices.Clone(x.Shape().Dimensions)
		dims[axis] = n
		return Zeros(x.Graph(), shapes.Make(x.DType(), dims...))
	}
	parts := []*Node{}
	if lo > 0 {
		parts = append(parts, block(lo))
	}
	parts = append(parts, x)
	if hi > 0 {
		parts = append(parts, block(hi))
	}
	return Concatenate(parts, axis)
}

// param returns the variable name of scope, creating it with N(0, std²) values (zeros when
// std == 0) drawn in Go from a stream seeded by (seed, hash of the variable's path): a fresh
// network is bit-identical for a given seed on every backend.
func param(scope *model.Scope, g *Graph, name string, seed int64, std float64, dims ...int) *Node {
	if v := scope.GetVariable(name); v != nil {
		return v.NodeValue(g)
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(model.JoinPath(scope.Scope(), name)))
	rng := rand.New(rand.NewPCG(uint64(seed), h.Sum64()))
	n := 1
	for _, d := range dims {
		n *= d
	}
	data := make([]float32, n)
	if std > 0 {
		for i := range data {
			data[i] = float32(std * rng.NormFloat64())
		}
	}
	v, err := scope.CreateVariable(name, tensors.FromFlatDataAndDimensions(data, dims...))
	if err != nil {
		panic(err)
	}
	return v.NodeValue(g)
}

// relu is max(x, 0).
func relu(x *Node) *Node { return Max(x, ZerosLike(x)) }
