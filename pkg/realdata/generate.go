package realdata

import (
	"fmt"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/diffregimes/diffregimes/pkg/nearest"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

// Generate draws b samples x̂(0) (Figures 6-10): the backward dynamics of eq. (55) from
// x_T ~ N(0, I) down to t = η, then the noise-free last step (sde.Denoise, through
// sde.Config.FinalDenoise, which Integrator sets). Row-major [b, d], in the data's centred
// pixel scale.
func (e *Experiment) Generate(b int, cfg sde.Config) ([]float32, error) {
	in, err := e.Integrator(cfg)
	if err != nil {
		return nil, err
	}
	L := in.Config().L
	if L < 2 {
		return nil, fmt.Errorf("realdata: Generate: need L >= 2 steps, got %d", L)
	}
	x, err := in.Start(b)
	if err != nil {
		return nil, err
	}
	if x, err = in.Run(x, 0, L); err != nil {
		return nil, err
	}
	return tensors.CopyFlatData[float32](x)
}

// Track runs b trajectories recording the nearest training point μ*(t_k) at every grid time,
// and returns the tracks of package nearest with x(0) from the noise-free last step: the
// index rows are t_0 = T, …, t_{L-1} = η and 0, LastChange the t̂_C of each trajectory (Fig. 5),
// Final and FinalDist μ*(0) and |x̂(0) - a_μ*|.
func (e *Experiment) Track(b int, cfg sde.Config) (*nearest.Tracks, error) {
	in, err := e.Integrator(cfg)
	if err != nil {
		return nil, err
	}
	if L := in.Config().L; L < 2 {
		return nil, fmt.Errorf("realdata: Track: need L >= 2 steps, got %d", L)
	}
	tr, err := nearest.New(e.backend, e.Points)
	if err != nil {
		return nil, err
	}
	return tr.Track(in, b)
}
