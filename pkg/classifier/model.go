package classifier

import (
	"fmt"
	"math"
	"slices"

	"github.com/diffregimes/diffregimes/pkg/unet"
	. "github.com/gomlx/gomlx/core/graph"
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
// [b, Classes]. Its 3x3 convolutions are the U-Net's (unet.ConvWithStd, the implementation
// chosen for the backend: the Grid convolution on the pure-Go backend, the native one on XLA),
// and its parameters are made by unet.Param, seeded by Config.Seed (stored as the store's
// unet.ParamSeedKey) and the variable's path, so the initial weights do not depend on the
// build order. Parameters are created in scope on first use.
func (c Config) Logits(scope *model.Scope, x *Node) *Node {
	if x.Rank() != 4 || !slices.Equal(x.Shape().Dimensions[1:], []int{c.Height, c.Width, c.Channels}) {
		panic(fmt.Sprintf("classifier: Logits: x must be [b, %d, %d, %d], got %s", c.Height, c.Width, c.Channels, x.Shape()))
	}
	if _, found := scope.Store().GetParam(unet.ParamSeedKey); !found {
		scope.Store().SetParam(unet.ParamSeedKey, c.Seed)
	}
	// conv is a 3x3 "same" convolution with stride 1 or 2 and a bias; gain scales He's
	// initialisation.
	conv := func(scope *model.Scope, x *Node, cout, stride int, gain float64) *Node {
		return unet.ConvWithStd(scope, x, cout, 3, stride, unet.Auto, gain*unet.HeStd(9*x.Shape().Dim(3)))
	}
	h := relu(conv(scope.In("stem"), x, c.Base, 2, 1))
	for s := range c.Stages {
		st := scope.In("stage%d", s)
		if s > 0 {
			h = relu(conv(st.In("down"), h, c.Base<<s, 2, 1))
		}
		for k := range c.Blocks {
			bl := st.In("block%d", k)
			y := relu(conv(bl.In("conv1"), h, c.Base<<s, 1, 1))
			// The second conv starts small so each block starts close to the identity.
			y = conv(bl.In("conv2"), y, c.Base<<s, 1, 0.2)
			h = relu(Add(h, y))
		}
	}
	pooled := ReduceMean(h, 1, 2) // [b, channels]
	cin := pooled.Shape().Dim(1)
	head := scope.In("head")
	w := unet.Param(head, x.Graph(), "weights", 0, math.Sqrt(1/float64(cin)), cin, c.Classes)
	b := unet.Param(head, x.Graph(), "biases", 0, 0, 1, c.Classes)
	return Add(MatMul(pooled, w), b)
}

// relu is max(x, 0).
func relu(x *Node) *Node { return Max(x, ZerosLike(x)) }
