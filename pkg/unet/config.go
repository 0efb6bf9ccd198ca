package unet

import (
	"fmt"
	"slices"
)

// Config describes a U-Net denoiser of SI D.2: Levels() resolution levels with channel widths
// Base·Mults[l], ResBlocks residual blocks per level, self-attention at the levels listed in
// Attention, and a sinusoidal time embedding added to every residual block.
//
// Build one with Paper, Small or Tiny and adjust it with the With* methods, e.g.
// unet.Small(28, 1).WithBase(16).
type Config struct {
	// ImageSize is the height = width of the images; it must be divisible by 2^(Levels()-1).
	ImageSize int
	// Channels is the number of image channels (1 for MNIST-like, 3 for colour).
	Channels int
	// Base is the channel width of the first level.
	Base int
	// Mults are the channel multipliers of the levels; len(Mults) is the number of levels.
	Mults []int
	// ResBlocks is the number of residual blocks per level on the way down; the way up has
	// one more per level (it also consumes the skip of the down-sampling), as in Ho et al. 2020.
	ResBlocks int
	// Attention lists the levels (0 = full resolution) that have self-attention after each
	// residual block. The paper uses the two intermediate levels, {1, 2}.
	Attention []int
	// Groups is the number of GroupNorm groups; it must divide every channel width.
	Groups int
	// Conv selects the convolution implementation; Auto (the default) picks Grid on the
	// pure-Go CPU backend and Native on XLA/GPU. It does not change the parameters.
	Conv ConvImpl
	// Seed seeds the parameter initialisation.
	Seed int64
}

// Paper returns the configuration of SI D.2 ("four resolution levels, each having two
// convolutional residual blocks with group normalization, and self attention is applied to the
// two intermediary levels ... 25.7 million parameters"): widths 64·(1, 2, 4, 4) at 32, 16, 8
// and 4 pixels, attention at 16 and 8 pixels, 32 GroupNorm groups. For 32×32×3 inputs it has
// 25,636,483 parameters (NumParams), 0.25% below 25.7 M. The paper does not list the widths:
// these are the standard DDPM widths that match its count with the layout of Ho et al. (2020)
// (which, with widths 128·(1, 2, 2, 2) and attention at 16 pixels only, gives their 35.7 M).
func Paper(imageSize, channels int) Config {
	return Config{ImageSize: imageSize, Channels: channels, Base: 64, Mults: []int{1, 2, 4, 4},
		ResBlocks: 2, Attention: []int{1, 2}, Groups: 32, Conv: Auto, Seed: 1}
}

// Small returns a CPU-sized configuration with the same layout as Paper (four levels, two
// residual blocks, attention at levels 1 and 2) and widths 24·(1, 1, 2, 2): 1,021,249 parameters
// for 32×32×1. It is the net of the CPU speed comparison with PyTorch (bench/unet).
func Small(imageSize, channels int) Config {
	return Config{ImageSize: imageSize, Channels: channels, Base: 24, Mults: []int{1, 1, 2, 2},
		ResBlocks: 2, Attention: []int{1, 2}, Groups: 8, Conv: Auto, Seed: 1}
}

// Tiny returns a test-sized configuration: four levels of widths 8·(1, 1, 2, 2), one residual
// block per level, attention at levels 1 and 2, 4 groups (78,961 parameters for 32×32×1).
func Tiny(imageSize, channels int) Config {
	return Config{ImageSize: imageSize, Channels: channels, Base: 8, Mults: []int{1, 1, 2, 2},
		ResBlocks: 1, Attention: []int{1, 2}, Groups: 4, Conv: Auto, Seed: 1}
}

// WithBase returns a copy with base width c.
func (c Config) WithBase(base int) Config { c.Base = base; return c }

// WithMults returns a copy with channel multipliers m (one per level).
func (c Config) WithMults(m ...int) Config { c.Mults = slices.Clone(m); return c }

// WithResBlocks returns a copy with n residual blocks per level.
func (c Config) WithResBlocks(n int) Config { c.ResBlocks = n; return c }

// WithAttention returns a copy with self-attention at the given levels.
func (c Config) WithAttention(levels ...int) Config { c.Attention = slices.Clone(levels); return c }

// WithGroups returns a copy with g GroupNorm groups.
func (c Config) WithGroups(g int) Config { c.Groups = g; return c }

// WithConv returns a copy using the given convolution implementation.
func (c Config) WithConv(impl ConvImpl) Config { c.Conv = impl; return c }

// WithSeed returns a copy with the given initialisation seed.
func (c Config) WithSeed(seed int64) Config { c.Seed = seed; return c }

// Levels is the number of resolution levels.
func (c Config) Levels() int { return len(c.Mults) }

// TimeDim is the width of the time-embedding MLP, 4·Base as in Ho et al.
func (c Config) TimeDim() int { return 4 * c.Base }

// Dim is the flattened image dimension d = ImageSize²·Channels.
func (c Config) Dim() int { return c.ImageSize * c.ImageSize * c.Channels }

// Validate reports the first problem with the configuration, naming the field.
func (c Config) Validate() error {
	switch {
	case c.Channels < 1:
		return fmt.Errorf("unet: Channels must be >= 1, got %d", c.Channels)
	case c.Base < 1:
		return fmt.Errorf("unet: Base must be >= 1, got %d", c.Base)
	case len(c.Mults) < 1:
		return fmt.Errorf("unet: Mults must list at least one level")
	case c.ResBlocks < 1:
		return fmt.Errorf("unet: ResBlocks must be >= 1, got %d", c.ResBlocks)
	case c.Groups < 1:
		return fmt.Errorf("unet: Groups must be >= 1, got %d", c.Groups)
	}
	div := 1 << (c.Levels() - 1)
	if c.ImageSize < div || c.ImageSize%div != 0 {
		return fmt.Errorf("unet: ImageSize %d is not divisible by 2^(levels-1) = %d (%d levels)", c.ImageSize, div, c.Levels())
	}
	for l, m := range c.Mults {
		if m < 1 {
			return fmt.Errorf("unet: Mults[%d] = %d must be >= 1", l, m)
		}
		if (c.Base*m)%c.Groups != 0 {
			return fmt.Errorf("unet: Groups %d does not divide the width %d of level %d", c.Groups, c.Base*m, l)
		}
	}
	if c.Base%c.Groups != 0 {
		return fmt.Errorf("unet: Groups %d does not divide Base %d", c.Groups, c.Base)
	}
	for _, a := range c.Attention {
		if a < 0 || a >= c.Levels() {
			return fmt.Errorf("unet: Attention level %d outside [0, %d)", a, c.Levels())
		}
	}
	return nil
}

// String is a one-line summary, e.g. "unet 32x32x3 base 64 mults [1 2 4 4] res 2 attn [1 2] groups 32 (im2col conv)".
func (c Config) String() string {
	return fmt.Sprintf("unet %dx%dx%d base %d mults %v res %d attn %v groups %d (%s conv)",
		c.ImageSize, c.ImageSize, c.Channels, c.Base, c.Mults, c.ResBlocks, c.Attention, c.Groups, c.Conv)
}

func (c Config) hasAttention(level int) bool { return slices.Contains(c.Attention, level) }

// NumParams counts the trainable parameters of the network the configuration builds, in
// closed form (the tests check it against the variables actually created).
func (c Config) NumParams() int {
	conv := func(k, cin, cout int) int { return k*k*cin*cout + cout }
	dense := func(cin, cout int) int { return cin*cout + cout }
	gn := func(ch int) int { return 2 * ch }
	td := c.TimeDim()
	res := func(cin, cout int) int {
		n := gn(cin) + conv(3, cin, cout) + dense(td, cout) + gn(cout) + conv(3, cout, cout)
		if cin != cout {
			n += conv(1, cin, cout)
		}
		return n
	}
	attn := func(ch int) int { return gn(ch) + 4*dense(ch, ch) }
	n := dense(c.Base, td) + dense(td, td) + conv(3, c.Channels, c.Base)
	ch := c.Base
	skips := []int{ch}
	for l, m := range c.Mults {
		for range c.ResBlocks {
			n += res(ch, c.Base*m)
			ch = c.Base * m
			if c.hasAttention(l) {
				n += attn(ch)
			}
			skips = append(skips, ch)
		}
		if l < c.Levels()-1 {
			n += conv(3, ch, ch)
			skips = append(skips, ch)
		}
	}
	n += res(ch, ch) + attn(ch) + res(ch, ch)
	for l := c.Levels() - 1; l >= 0; l-- {
		for range c.ResBlocks + 1 {
			s := skips[len(skips)-1]
			skips = skips[:len(skips)-1]
			n += res(ch+s, c.Base*c.Mults[l])
			ch = c.Base * c.Mults[l]
			if c.hasAttention(l) {
				n += attn(ch)
			}
		}
		if l > 0 {
			n += conv(3, ch, ch)
		}
	}
	n += gn(ch) + conv(3, ch, c.Channels)
	return n
}
