package datasets

import (
	"fmt"
	"image"
	"image/draw"
)

// Pad returns a copy zero-padded symmetrically to size×size (SI D.2: MNIST 28 → 32). Padding is
// applied to the uncentred pixels, i.e. the padding is black, then the centring (if any) is
// redone, so that Pad on a centred dataset matches Pad-then-Center.
func (ds *Dataset) Pad(size int) (*Dataset, error) {
	if err := ds.Check(); err != nil {
		return nil, err
	}
	if size < ds.H || size < ds.W || (size-ds.H)%2 != 0 || (size-ds.W)%2 != 0 {
		return nil, fmt.Errorf("datasets: %s: cannot pad %dx%d symmetrically to %dx%d", ds.Name, ds.H, ds.W, size, size)
	}
	centred := ds.Mean != nil
	src := ds
	if centred {
		src = ds.Uncentered()
	}
	oy, ox := (size-ds.H)/2, (size-ds.W)/2
	out := &Dataset{Name: ds.Name, N: ds.N, H: size, W: size, C: ds.C,
		Labels: append([]int(nil), ds.Labels...), ClassNames: append([]string(nil), ds.ClassNames...)}
	out.X = make([]float32, out.N*out.D())
	for i := 0; i < ds.N; i++ {
		s, d := src.Row(i), out.Row(i)
		for y := 0; y < ds.H; y++ {
			copy(d[((y+oy)*size+ox)*ds.C:((y+oy)*size+ox+ds.W)*ds.C], s[y*ds.W*ds.C:(y+1)*ds.W*ds.C])
		}
	}
	if centred {
		out.CenterInPlace()
	}
	return out, nil
}

// Center returns a copy with the per-channel mean over all images and pixels subtracted
// (SI D.2); Mean records it. Centring an already centred dataset changes nothing.
func (ds *Dataset) Center() *Dataset {
	c := ds.Clone()
	c.CenterInPlace()
	return c
}

// CenterInPlace subtracts the per-channel means from X and adds them to Mean.
func (ds *Dataset) CenterInPlace() {
	sum := make([]float64, ds.C)
	for p, v := range ds.X {
		sum[p%ds.C] += float64(v)
	}
	cnt := float64(ds.N * ds.H * ds.W)
	m := make([]float32, ds.C)
	for c := range m {
		if cnt > 0 {
			m[c] = float32(sum[c] / cnt)
		}
	}
	for p := range ds.X {
		ds.X[p] -= m[p%ds.C]
	}
	if ds.Mean == nil {
		ds.Mean = make([]float32, ds.C)
	}
	for c := range m {
		ds.Mean[c] += m[c]
	}
}

// Uncentered returns a copy with Mean added back (pixel scale [0, 1]) and Mean nil.
func (ds *Dataset) Uncentered() *Dataset {
	c := ds.Clone()
	if c.Mean != nil {
		for p := range c.X {
			c.X[p] += c.Mean[p%c.C]
		}
		c.Mean = nil
	}
	return c
}

// CenterCropResize takes the centred crop×crop square of img and resizes it to size×size by
// area averaging (each output pixel is the mean of the input area it covers, exact box
// filtering when crop is a multiple of size, as 256 → 64 for LSUN in SI D.2). It returns HWC
// float32 RGB in [0, 1]. An image smaller than crop on either side is an error.
func CenterCropResize(img image.Image, crop, size int) ([]float32, error) {
	b := img.Bounds()
	if b.Dx() < crop || b.Dy() < crop {
		return nil, fmt.Errorf("image is %dx%d, smaller than the %dx%d centre crop", b.Dx(), b.Dy(), crop, crop)
	}
	if size <= 0 || size > crop {
		return nil, fmt.Errorf("resize target %d must be in [1, %d]", size, crop)
	}
	x0 := b.Min.X + (b.Dx()-crop)/2
	y0 := b.Min.Y + (b.Dy()-crop)/2
	rgba := image.NewRGBA(image.Rect(0, 0, crop, crop))
	draw.Draw(rgba, rgba.Bounds(), img, image.Pt(x0, y0), draw.Src)
	// Area weights: output pixel o covers input [o*crop/size, (o+1)*crop/size).
	scale := float64(crop) / float64(size)
	out := make([]float32, size*size*3)
	for oy := 0; oy < size; oy++ {
		ya, yb := float64(oy)*scale, float64(oy+1)*scale
		for ox := 0; ox < size; ox++ {
			xa, xb := float64(ox)*scale, float64(ox+1)*scale
			var acc [3]float64
			var wsum float64
			for y := int(ya); float64(y) < yb && y < crop; y++ {
				wy := min(yb, float64(y+1)) - max(ya, float64(y))
				for x := int(xa); float64(x) < xb && x < crop; x++ {
					w := wy * (min(xb, float64(x+1)) - max(xa, float64(x)))
					o := rgba.PixOffset(x, y)
					acc[0] += w * float64(rgba.Pix[o])
					acc[1] += w * float64(rgba.Pix[o+1])
					acc[2] += w * float64(rgba.Pix[o+2])
					wsum += w
				}
			}
			for c := 0; c < 3; c++ {
				out[(oy*size+ox)*3+c] = float32(acc[c] / wsum / 255)
			}
		}
	}
	return out, nil
}
