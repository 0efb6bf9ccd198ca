package unet

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/diffregimes/diffregimes/pkg/blas"
	"github.com/diffregimes/diffregimes/pkg/numeric"
)

// Host is the forward pass of the U-Net (Eps) computed on the host, for sampling on the
// pure-Go CPU backend: the convolutions (im2col), dense layers and attention products go to
// OpenBLAS's sgemm (package blas), GroupNorm with its SiLU, the softmax and the other
// element-wise steps are single float32 passes over each image, on all cores. It computes the
// same function as Eps, from the same parameters (TestHostMatchesGraph); training keeps the
// gomlx graph and its gradients.
//
// Feature maps are channels last, [images, H·W, C]; a batch is processed in chunks of images
// whose largest im2col matrix stays below about 32 MiB.
type Host struct {
	cfg    Config
	lib    *blas.Lib
	params map[string][]float32 // by path under the unet scope, e.g. "conv_in/weights"
}

// NewHost reads the model's parameters from store (as trained: the scope unet.Scope) and
// returns its host forward pass, or an error when no BLAS library loads or a parameter is
// missing or has the wrong shape for cfg.
func NewHost(m *Model, store *model.Store) (*Host, error) {
	if m == nil || store == nil {
		return nil, fmt.Errorf("unet: NewHost needs a model and its store")
	}
	lib, err := blas.Load()
	if err != nil {
		return nil, err
	}
	h := &Host{cfg: m.Config, lib: lib, params: map[string][]float32{}}
	root := store.RootScope().At(Scope)
	prefix := root.Scope() + "/"
	for v := range store.IterVariables() {
		path := v.Path()
		if len(path) <= len(prefix) || path[:len(prefix)] != prefix {
			continue
		}
		t, err := v.Value()
		if err != nil {
			return nil, fmt.Errorf("unet: NewHost: %s: %w", path, err)
		}
		data, err := tensors.CopyFlatData[float32](t)
		if err != nil {
			return nil, fmt.Errorf("unet: NewHost: %s: %w", path, err)
		}
		h.params[path[len(prefix):]] = data
	}
	if want := m.Config.NumParams(); h.count() != want {
		return nil, fmt.Errorf("unet: NewHost: the store holds %d parameters under %q, the configuration %s has %d",
			h.count(), root.Scope(), m.Config, want)
	}
	return h, nil
}

func (h *Host) count() int {
	n := 0
	for _, v := range h.params {
		n += len(v)
	}
	return n
}

// Config is the model's configuration.
func (h *Host) Config() Config { return h.cfg }

// BLAS names the BLAS library the products run on.
func (h *Host) BLAS() string { return h.lib.Name() }

// Eps returns ξ_θ(x, t') for the images x (row-major [b, H, W, C], b = len(x)/Dim) at the DDPM
// steps t' (one per image), row-major like x.
func (h *Host) Eps(x []float32, steps []float32) ([]float32, error) {
	d := h.cfg.Dim()
	switch {
	case len(x) == 0 || len(x)%d != 0:
		return nil, fmt.Errorf("unet: Host.Eps: %d values are not a whole number of %dx%dx%d images", len(x), h.cfg.ImageSize, h.cfg.ImageSize, h.cfg.Channels)
	case len(steps) != len(x)/d:
		return nil, fmt.Errorf("unet: Host.Eps: %d steps for %d images", len(steps), len(x)/d)
	}
	b := len(x) / d
	out := make([]float32, len(x))
	// One goroutine per core, each on its own chunks with OpenBLAS single-threaded: measured
	// faster than OpenBLAS's threads on these thin products (BenchmarkHostEps).
	w := max(1, min(runtime.GOMAXPROCS(0), b))
	chunk := min(h.chunk(), (b+w-1)/w)
	var chunks [][2]int
	for i0 := 0; i0 < b; i0 += chunk {
		chunks = append(chunks, [2]int{i0, min(b, i0+chunk)})
	}
	errs := make([]error, len(chunks))
	h.lib.SingleThreaded(func() {
		var wg sync.WaitGroup
		next := make(chan int, len(chunks))
		for i := range chunks {
			next <- i
		}
		close(next)
		for range min(w, len(chunks)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					i0, i1 := chunks[i][0], chunks[i][1]
					errs[i] = h.eps(x[i0*d:i1*d], steps[i0:i1], out[i0*d:i1*d])
				}
			}()
		}
		wg.Wait()
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// chunk is the number of images per pass: the largest im2col (the full-resolution convolution
// of the first up-level, 2·Base channels in) below 32 MiB.
func (h *Host) chunk() int {
	c := h.cfg
	per := c.ImageSize * c.ImageSize * 9 * 2 * c.Base * c.Mults[0] * 4
	return max(1, min(hostMaxChunk, (32<<20)/per))
}

// hostMaxChunk bounds the images per pass (a variable for the tests).
var hostMaxChunk = 64

// fmap is a chunk of feature maps, [n images][hw pixels][c channels].
type fmap struct {
	v        []float32
	n, hw, c int
	side     int // H = W
}

func (h *Host) p(path string, size int) []float32 {
	v, ok := h.params[path]
	if !ok || len(v) != size {
		panic(fmt.Sprintf("unet: Host: parameter %s: %d values, want %d", path, len(v), size))
	}
	return v
}

func (h *Host) eps(x, steps, out []float32) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	cfg := h.cfg
	n := len(steps)
	td := cfg.TimeDim()
	// Time embedding and its MLP: [n, td].
	half := cfg.Base / 2
	freqs := make([]float32, half)
	for j := range freqs {
		freqs[j] = float32(math.Exp(-math.Log(10000) * float64(j) / float64(half-1)))
	}
	emb := make([]float32, n*cfg.Base)
	for i, s := range steps {
		for j, f := range freqs {
			a := s * f
			emb[i*cfg.Base+j] = float32(math.Sin(float64(a)))
			emb[i*cfg.Base+half+j] = float32(math.Cos(float64(a)))
		}
	}
	temb := h.dense("time_dense_0", emb, n, cfg.Base, td)
	siluInPlace(temb)
	temb = h.dense("time_dense_1", temb, n, td, td)
	stemb := append([]float32(nil), temb...)
	siluInPlace(stemb) // every residual block reads silu(temb)

	hm := h.conv("conv_in", fmap{v: x, n: n, hw: cfg.ImageSize * cfg.ImageSize, c: cfg.Channels, side: cfg.ImageSize}, cfg.Base, 3, 1)
	skips := []fmap{hm}
	for l, m := range cfg.Mults {
		for r := range cfg.ResBlocks {
			hm = h.resBlock(fmt.Sprintf("down_%d_res_%d", l, r), hm, stemb, cfg.Base*m)
			if cfg.hasAttention(l) {
				hm = h.attention(fmt.Sprintf("down_%d_attn_%d", l, r), hm)
			}
			skips = append(skips, hm)
		}
		if l < cfg.Levels()-1 {
			hm = h.conv(fmt.Sprintf("down_%d_downsample", l), hm, hm.c, 3, 2)
			skips = append(skips, hm)
		}
	}
	hm = h.resBlock("mid_res_0", hm, stemb, hm.c)
	hm = h.attention("mid_attn", hm)
	hm = h.resBlock("mid_res_1", hm, stemb, hm.c)
	for l := cfg.Levels() - 1; l >= 0; l-- {
		for r := range cfg.ResBlocks + 1 {
			s := skips[len(skips)-1]
			skips = skips[:len(skips)-1]
			hm = concatHost(hm, s)
			hm = h.resBlock(fmt.Sprintf("up_%d_res_%d", l, r), hm, stemb, cfg.Base*cfg.Mults[l])
			if cfg.hasAttention(l) {
				hm = h.attention(fmt.Sprintf("up_%d_attn_%d", l, r), hm)
			}
		}
		if l > 0 {
			hm = h.conv(fmt.Sprintf("up_%d_upsample", l), upsample2Host(hm), hm.c, 3, 1)
		}
	}
	hm = h.groupNorm("norm_out", hm, true)
	y := h.conv("conv_out", hm, cfg.Channels, 3, 1)
	copy(out, y.v)
	return nil
}

// dense is x [rows, cin] × W [cin, cout] + b.
func (h *Host) dense(path string, x []float32, rows, cin, cout int) []float32 {
	w, b := h.p(path+"/weights", cin*cout), h.p(path+"/biases", cout)
	y := make([]float32, rows*cout)
	for r := range rows {
		copy(y[r*cout:(r+1)*cout], b)
	}
	h.lib.Gemm(false, rows, cout, cin, 1, x, w, 1, y)
	return y
}

// resBlock is resBlock of the graph: GN → SiLU → conv3 → + dense(SiLU(temb)) → GN → SiLU →
// conv3, plus the input (through a 1×1 conv when the width changes).
func (h *Host) resBlock(path string, x fmap, stemb []float32, cout int) fmap {
	td := h.cfg.TimeDim()
	y := h.groupNorm(path+"/norm_0", x, true)
	y = h.conv(path+"/conv_0", y, cout, 3, 1)
	t := h.dense(path+"/time", stemb, x.n, td, cout)
	parallel(y.n, func(i int) {
		img := y.v[i*y.hw*cout : (i+1)*y.hw*cout]
		ti := t[i*cout : (i+1)*cout]
		for p := range y.hw {
			row := img[p*cout : (p+1)*cout]
			for c, v := range ti {
				row[c] += v
			}
		}
	})
	y = h.groupNorm(path+"/norm_1", y, true)
	y = h.conv(path+"/conv_1", y, cout, 3, 1)
	if x.c != cout {
		x = h.conv(path+"/skip", x, cout, 1, 1)
	}
	for i, v := range x.v {
		y.v[i] += v
	}
	return y
}

// conv is the k×k convolution (k = 1 or 3, padding (k-1)/2, PyTorch's) with stride 1 or 2 and
// its bias: im2col rows ordered (dy, dx, c) like the kernel [k, k, Cin, Cout], one sgemm.
func (h *Host) conv(path string, x fmap, cout, k, stride int) fmap {
	w, b := h.p(path+"/weights", k*k*x.c*cout), h.p(path+"/biases", cout)
	side := x.side
	lo := (k - 1) / 2
	os := (side+2*lo-k)/stride + 1
	y := fmap{v: make([]float32, x.n*os*os*cout), n: x.n, hw: os * os, c: cout, side: os}
	for r := range x.n * os * os {
		copy(y.v[r*cout:(r+1)*cout], b)
	}
	if k == 1 && stride == 1 {
		h.lib.Gemm(false, x.n*x.hw, cout, x.c, 1, x.v, w, 1, y.v)
		return y
	}
	kc := k * k * x.c
	cols := make([]float32, x.n*os*os*kc)
	parallel(x.n, func(i int) {
		img := x.v[i*x.hw*x.c : (i+1)*x.hw*x.c]
		dst := cols[i*os*os*kc : (i+1)*os*os*kc]
		for oy := range os {
			for ox := range os {
				row := dst[(oy*os+ox)*kc : (oy*os+ox+1)*kc]
				for dy := range k {
					iy := oy*stride + dy - lo
					for dx := range k {
						seg := row[(dy*k+dx)*x.c : (dy*k+dx+1)*x.c]
						ix := ox*stride + dx - lo
						if iy < 0 || iy >= side || ix < 0 || ix >= side {
							clear(seg)
							continue
						}
						copy(seg, img[(iy*side+ix)*x.c:(iy*side+ix+1)*x.c])
					}
				}
			}
		}
	})
	h.lib.Gemm(false, x.n*os*os, cout, kc, 1, cols, w, 1, y.v)
	return y
}

// groupNorm is GroupNorm (ε = 1e-5) with its learned γ, β, then SiLU when silu, per image.
func (h *Host) groupNorm(path string, x fmap, silu bool) fmap {
	c, G := x.c, h.cfg.Groups
	gamma, beta := h.p(path+"/gamma", c), h.p(path+"/beta", c)
	cg := c / G
	y := fmap{v: make([]float32, len(x.v)), n: x.n, hw: x.hw, c: c, side: x.side}
	parallel(x.n, func(i int) {
		img := x.v[i*x.hw*c : (i+1)*x.hw*c]
		dst := y.v[i*x.hw*c : (i+1)*x.hw*c]
		sum, sq := make([]float64, G), make([]float64, G)
		for p := range x.hw {
			row := img[p*c : (p+1)*c]
			for ch, v := range row {
				sum[ch/cg] += float64(v)
			}
		}
		count := float64(cg * x.hw)
		for g := range sum {
			sum[g] /= count
		}
		for p := range x.hw {
			row := img[p*c : (p+1)*c]
			for ch, v := range row {
				dv := float64(v) - sum[ch/cg]
				sq[ch/cg] += dv * dv
			}
		}
		scale, shift := make([]float32, c), make([]float32, c)
		for ch := range c {
			g := ch / cg
			r := 1 / math.Sqrt(sq[g]/count+1e-5)
			scale[ch] = float32(r) * gamma[ch]
			shift[ch] = beta[ch] - float32(sum[g]*r)*gamma[ch]
		}
		for p := range x.hw {
			row, out := img[p*c:(p+1)*c], dst[p*c:(p+1)*c]
			for ch, v := range row {
				out[ch] = v*scale[ch] + shift[ch]
			}
		}
		if silu {
			numeric.SiLU32s(dst[:x.hw*c])
		}
	})
	return y
}

// attention is x + proj(softmax(q kᵀ/√C) v) with q, k, v linear maps of GroupNorm(x).
func (h *Host) attention(path string, x fmap) fmap {
	c, n := x.c, x.hw
	hn := h.groupNorm(path+"/norm", x, false)
	rows := x.n * n
	q := h.dense(path+"/q", hn.v, rows, c, c)
	k := h.dense(path+"/k", hn.v, rows, c, c)
	v := h.dense(path+"/v", hn.v, rows, c, c)
	a := make([]float32, rows*c)
	logits := make([]float32, n*n)
	scale := float32(1 / math.Sqrt(float64(c)))
	for i := range x.n {
		qi, ki, vi := q[i*n*c:(i+1)*n*c], k[i*n*c:(i+1)*n*c], v[i*n*c:(i+1)*n*c]
		h.lib.Gemm(true, n, n, c, scale, qi, ki, 0, logits)
		parallel(n, func(r int) { softmaxRow(logits[r*n : (r+1)*n]) })
		h.lib.Gemm(false, n, c, n, 1, logits, vi, 0, a[i*n*c:(i+1)*n*c])
	}
	out := h.dense(path+"/proj", a, rows, c, c)
	for i, xv := range x.v {
		out[i] += xv
	}
	return fmap{v: out, n: x.n, hw: n, c: c, side: x.side}
}

func softmaxRow(r []float32) {
	m := r[0]
	for _, v := range r {
		m = max(m, v)
	}
	for j := range r {
		r[j] -= m
	}
	numeric.Exp32s(r)
	var s float32
	for _, e := range r {
		s += e
	}
	inv := 1 / s
	for j := range r {
		r[j] *= inv
	}
}

// concatHost joins the channels of a and b (a first), pixel by pixel.
func concatHost(a, b fmap) fmap {
	c := a.c + b.c
	y := fmap{v: make([]float32, a.n*a.hw*c), n: a.n, hw: a.hw, c: c, side: a.side}
	for r := range a.n * a.hw {
		copy(y.v[r*c:r*c+a.c], a.v[r*a.c:(r+1)*a.c])
		copy(y.v[r*c+a.c:(r+1)*c], b.v[r*b.c:(r+1)*b.c])
	}
	return y
}

// upsample2Host doubles H and W by nearest-neighbour repetition.
func upsample2Host(x fmap) fmap {
	s, c := x.side, x.c
	y := fmap{v: make([]float32, x.n*4*x.hw*c), n: x.n, hw: 4 * x.hw, c: c, side: 2 * s}
	for i := range x.n {
		for oy := range 2 * s {
			for ox := range 2 * s {
				src := x.v[((i*s+oy/2)*s+ox/2)*c:][:c]
				copy(y.v[((i*2*s+oy)*2*s+ox)*c:][:c], src)
			}
		}
	}
	return y
}

func siluInPlace(v []float32) { numeric.SiLU32s(v) }

// parallel runs f(0..n-1) over GOMAXPROCS goroutines, in contiguous ranges.
func parallel(n int, f func(i int)) {
	numeric.ParallelRanges(n, func(i0, i1 int) {
		for i := i0; i < i1; i++ {
			f(i)
		}
	})
}
