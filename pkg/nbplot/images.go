package nbplot

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
)

// ImageGrid lays out float32 images as inline PNGs in rows, each with an optional caption.
type ImageGrid struct {
	title   string
	imgs    [][]float32
	h, w, c int
	cols    int
	labels  []string
	lo, hi  float32
	auto    bool
	zoom    int
	chw     bool
	err     error
}

// Images returns a grid of images, each h*w*c float32 values in row-major HWC order (c = 1 grey or
// 3 RGB). Values are mapped linearly from [-1, 1] (the range diffusion models work in) to 0..255
// and clipped; change with Range or AutoRange.
func Images(title string, imgs [][]float32, h, w, c int) *ImageGrid {
	g := &ImageGrid{title: title, imgs: imgs, h: h, w: w, c: c, cols: 8, lo: -1, hi: 1, zoom: 3}
	switch {
	case h <= 0 || w <= 0:
		g.err = fmt.Errorf("nbplot: Images %q: h=%d, w=%d must be positive", title, h, w)
	case c != 1 && c != 3:
		g.err = fmt.Errorf("nbplot: Images %q: c=%d channels, want 1 or 3", title, c)
	case len(imgs) == 0:
		g.err = fmt.Errorf("nbplot: Images %q: no images", title)
	}
	for i, im := range imgs {
		if g.err == nil && len(im) != h*w*c {
			g.err = fmt.Errorf("nbplot: Images %q: image %d has %d values, want h*w*c = %d", title, i, len(im), h*w*c)
		}
	}
	return g
}

// Cols sets the number of images per row (default 8).
func (g *ImageGrid) Cols(n int) *ImageGrid {
	if n < 1 {
		g.err = fmt.Errorf("nbplot: Cols(%d): want >= 1", n)
	}
	g.cols = n
	return g
}

// Labels sets one caption per image (e.g. "t = 0.4").
func (g *ImageGrid) Labels(labels []string) *ImageGrid {
	if len(labels) != len(g.imgs) {
		g.err = fmt.Errorf("nbplot: Labels: %d labels for %d images", len(labels), len(g.imgs))
	}
	g.labels = labels
	return g
}

// Range maps [lo, hi] to black..white for every image (values outside are clipped).
func (g *ImageGrid) Range(lo, hi float32) *ImageGrid {
	if !(hi > lo) {
		g.err = fmt.Errorf("nbplot: Range(%v, %v): want lo < hi", lo, hi)
	}
	g.lo, g.hi, g.auto = lo, hi, false
	return g
}

// AutoRange maps each image's own min..max to black..white.
func (g *ImageGrid) AutoRange() *ImageGrid { g.auto = true; return g }

// Zoom sets the on-screen magnification (pixelated; the PNG keeps the native size). Default 3.
func (g *ImageGrid) Zoom(z int) *ImageGrid {
	if z < 1 {
		g.err = fmt.Errorf("nbplot: Zoom(%d): want >= 1", z)
	}
	g.zoom = z
	return g
}

// CHW declares the images to be in channel-major CHW order instead of HWC.
func (g *ImageGrid) CHW() *ImageGrid { g.chw = true; return g }

// Err returns the first error met while building the grid, nil if none.
func (g *ImageGrid) Err() error { return g.err }

// Image converts image i to an image.Image (grey or RGBA).
func (g *ImageGrid) Image(i int) (image.Image, error) {
	if g.err != nil {
		return nil, g.err
	}
	if i < 0 || i >= len(g.imgs) {
		return nil, fmt.Errorf("nbplot: Image(%d): index out of range [0, %d)", i, len(g.imgs))
	}
	im := g.imgs[i]
	lo, hi := g.lo, g.hi
	if g.auto {
		lo, hi = float32(math.Inf(1)), float32(math.Inf(-1))
		for _, v := range im {
			if !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
		if !(hi > lo) {
			lo, hi = lo-1, lo+1
		}
	}
	at := func(y, x, ch int) uint8 {
		var v float32
		if g.chw {
			v = im[(ch*g.h+y)*g.w+x]
		} else {
			v = im[(y*g.w+x)*g.c+ch]
		}
		if math.IsNaN(float64(v)) {
			return 0
		}
		f := min(max((v-lo)/(hi-lo)*255, 0), 255)
		return uint8(f + 0.5) // conversion truncates: 255.5 -> 255
	}
	r := image.Rect(0, 0, g.w, g.h)
	if g.c == 1 {
		out := image.NewGray(r)
		for y := 0; y < g.h; y++ {
			for x := 0; x < g.w; x++ {
				out.SetGray(x, y, color.Gray{Y: at(y, x, 0)})
			}
		}
		return out, nil
	}
	out := image.NewRGBA(r)
	for y := 0; y < g.h; y++ {
		for x := 0; x < g.w; x++ {
			out.SetRGBA(x, y, color.RGBA{R: at(y, x, 0), G: at(y, x, 1), B: at(y, x, 2), A: 255})
		}
	}
	return out, nil
}

// PNG returns image i encoded as PNG.
func (g *ImageGrid) PNG(i int) ([]byte, error) {
	im, err := g.Image(i)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, im); err != nil {
		return nil, fmt.Errorf("nbplot: encoding PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// Snippet returns the grid as HTML: a title and the images as data-URI PNGs with captions.
func (g *ImageGrid) Snippet() (string, error) {
	if g.err != nil {
		return "", g.err
	}
	var b strings.Builder
	b.WriteString(`<div class="nbplot-images">`)
	if g.title != "" {
		fmt.Fprintf(&b, `<div style="font-weight:bold;margin:4px 0">%s</div>`, html.EscapeString(g.title))
	}
	fmt.Fprintf(&b, `<div style="display:grid;grid-template-columns:repeat(%d,max-content);gap:6px">`, g.cols)
	for i := range g.imgs {
		p, err := g.PNG(i)
		if err != nil {
			return "", err
		}
		label := ""
		if g.labels != nil {
			label = g.labels[i]
		}
		fmt.Fprintf(&b, `<figure style="margin:0;text-align:center"><img src="data:image/png;base64,%s" width="%d" height="%d" `+
			`style="image-rendering:pixelated" alt="%s"><figcaption style="font-size:11px">%s</figcaption></figure>`,
			base64.StdEncoding.EncodeToString(p), g.w*g.zoom, g.h*g.zoom, html.EscapeString(label), html.EscapeString(label))
	}
	b.WriteString("</div></div>\n")
	return b.String(), nil
}

// HTML returns the grid's HTML fragment (image grids need no echarts bundle).
func (g *ImageGrid) HTML() (string, error) { return g.Snippet() }

// Display shows the grid in the current GoNB cell.
func (g *ImageGrid) Display() error { return display(g) }
