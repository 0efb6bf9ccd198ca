package ddpm

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/diffregimes/diffregimes/pkg/ou"
	"github.com/diffregimes/diffregimes/pkg/unet"
	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// Sample draws n images with the ancestral sampler of eq. (61),
//
//	x(t'-1) = x(t')/sqrt(1-β_{t'}) - β_{t'}/sqrt((1-β_{t'})(1-ᾱ_{t'})) ξ_θ(x(t'), t') + sqrt(β_{t'}) z,
//
// for t' = L..1 from x(L) ~ N(0, I), with z ~ N(0, I) for t' > 1 and z = 0 at t' = 1. The
// draws are a function of seed. It returns the images as a flat [n, H, W, C] slice.
func Sample(b compute.Backend, m *unet.Model, store *model.Store, sched *ou.Schedule, n int, seed uint64) ([]float32, error) {
	switch {
	case m == nil || store == nil || sched == nil:
		return nil, errors.New("ddpm: Sample needs a model, its store and a schedule")
	case n < 1:
		return nil, fmt.Errorf("ddpm: Sample: n must be >= 1, got %d", n)
	}
	cfg := m.Config
	return sampleWith(b, store, func(scope *model.Scope, x, steps *Node) *Node { return m.Eps(scope.In(unet.Scope), x, steps) },
		sched, n, cfg.ImageSize, cfg.ImageSize, cfg.Channels, seed)
}

// sampleWith runs eq. (61) with any noise predictor epsFn(scope, x [n,h,w,c], steps [n]).
func sampleWith(b compute.Backend, store *model.Store, epsFn func(scope *model.Scope, x, steps *Node) *Node,
	sched *ou.Schedule, n, h, w, c int, seed uint64) ([]float32, error) {
	exec, err := model.NewExec(b, store, func(scope *model.Scope, x, steps, coefs, z *Node) *Node {
		eps := epsFn(scope, x, steps)
		a := Slice(coefs, AxisElem(0))
		c := Slice(coefs, AxisElem(1))
		sigma := Slice(coefs, AxisElem(2))
		r := func(v *Node) *Node { return Reshape(v, 1, 1, 1, 1) }
		return Add(Sub(Mul(r(a), x), Mul(r(c), eps)), Mul(r(sigma), z))
	})
	if err != nil {
		return nil, fmt.Errorf("ddpm: building the sampler: %w", err)
	}
	rng := rand.New(rand.NewPCG(seed, streamSample))
	size := n * h * w * c
	normal := func() []float32 {
		v := make([]float32, size)
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		return v
	}
	x := tensors.FromFlatDataAndDimensions(normal(), n, h, w, c)
	zero := make([]float32, size)
	steps := make([]float32, n)
	for tp := sched.L; tp >= 1; tp-- {
		beta, ab := sched.Beta(tp), sched.AlphaBar(tp)
		coefs := []float32{
			float32(1 / math.Sqrt(1-beta)),
			float32(beta / math.Sqrt((1-beta)*(1-ab))),
			float32(math.Sqrt(beta)),
		}
		z := zero
		if tp > 1 {
			z = normal()
		} else {
			coefs[2] = 0
		}
		for i := range steps {
			steps[i] = float32(tp)
		}
		out, err := exec.Exec(x, steps, coefs, tensors.FromFlatDataAndDimensions(z, n, h, w, c))
		if err != nil {
			return nil, fmt.Errorf("ddpm: sampling step %d: %w", tp, err)
		}
		x = out[0]
	}
	return tensors.MustCopyFlatData[float32](x), nil
}
