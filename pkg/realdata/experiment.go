package realdata

import (
	"fmt"
	"math"

	"github.com/gomlx/compute"

	"github.com/diffregimes/diffregimes/pkg/datasets"
	"github.com/diffregimes/diffregimes/pkg/score"
	"github.com/diffregimes/diffregimes/pkg/sde"
	"github.com/diffregimes/diffregimes/pkg/spectrum"
)

// Score routes.
const (
	// RouteEmpirical is route (a): the exact empirical score of eq. (2).
	RouteEmpirical = "empirical"
	// RouteDDPM is route (b): a trained U-Net DDPM denoiser used as a score (SI D.2).
	RouteDDPM = "ddpm"
)

// Experiment is one training set with one score route, and its spectral predictions.
type Experiment struct {
	// Name labels the dataset in charts and tables, e.g. "Fashion-MNIST".
	Name string
	// Route is RouteEmpirical or RouteDDPM (or another label for a custom score).
	Route string
	// Data is the training set (centred, HWC).
	Data *datasets.Dataset
	// Points is the training set as the engine's dataset (for the empirical score, the
	// nearest-neighbour tracker and the entropy).
	Points *score.Dataset
	// Score drives the backward dynamics.
	Score score.Score
	// Lambda is the top eigenvalue of the covariance of the first channel (SI D.2).
	Lambda float64
	// TS is the predicted speciation time 1/2 log Λ, eq. (4).
	TS float64
	// Alpha is log(n)/d.
	Alpha float64
	// Model is the provenance of route (b)'s trained model (nil for route a).
	Model *Provenance

	backend compute.Backend
}

// NewEmpirical returns route (a) for the training set ds: the exact empirical score (eq. 2).
func NewEmpirical(b compute.Backend, name string, ds *datasets.Dataset) (*Experiment, error) {
	return New(b, name, RouteEmpirical, ds, nil)
}

// New returns the experiment for training set ds driven by the score s; s == nil means the
// exact empirical score of ds (route a). A trained score must have the data's dimension.
func New(b compute.Backend, name, route string, ds *datasets.Dataset, s score.Score) (*Experiment, error) {
	if b == nil {
		return nil, fmt.Errorf("realdata: backend is nil")
	}
	if ds == nil {
		return nil, fmt.Errorf("realdata: dataset is nil")
	}
	if err := ds.Check(); err != nil {
		return nil, fmt.Errorf("realdata: %w", err)
	}
	if ds.N < 2 {
		return nil, fmt.Errorf("realdata: dataset %s has n = %d images, need n >= 2", ds.Name, ds.N)
	}
	pts, err := score.NewDataset(ds.X, ds.N, ds.D(), 0)
	if err != nil {
		return nil, fmt.Errorf("realdata: %w", err)
	}
	if s == nil {
		if s, err = score.NewEmpirical(pts); err != nil {
			return nil, err
		}
	}
	if s.Dim() != ds.D() {
		return nil, fmt.Errorf("realdata: score has dimension %d, dataset %s has d = %d", s.Dim(), ds.Name, ds.D())
	}
	ch, err := ds.Channel(0)
	if err != nil {
		return nil, err
	}
	cov, err := spectrum.NewCovariance(ch, ds.N, ds.H*ds.W)
	if err != nil {
		return nil, fmt.Errorf("realdata: covariance of %s: %w", ds.Name, err)
	}
	lambda, err := cov.Lambda()
	if err != nil {
		return nil, fmt.Errorf("realdata: Λ of %s: %w", ds.Name, err)
	}
	ts, err := spectrum.TS(lambda)
	if err != nil {
		return nil, err
	}
	return &Experiment{Name: name, Route: route, Data: ds, Points: pts, Score: s, Lambda: lambda, TS: ts,
		Alpha: math.Log(float64(ds.N)) / float64(ds.D()), backend: b}, nil
}

// N is the number of training images n.
func (e *Experiment) N() int { return e.Data.N }

// D is the dimension d = H·W·C.
func (e *Experiment) D() int { return e.Data.D() }

// Backend is the backend the experiment runs on.
func (e *Experiment) Backend() compute.Backend { return e.backend }

// Label is "Name (route, n=…)", for chart series.
func (e *Experiment) Label() string { return fmt.Sprintf("%s (%s, n=%d)", e.Name, e.Route, e.N()) }

// Integrator returns a fresh backward integrator (eq. 55) of the experiment's score. It sets
// cfg.FinalDenoise: every chain of the package (Generate, Track, and the clones of Speciation
// and Collapse, whose labels are thus taken on x̂(0)) ends with the noise-free step
// x̂(0) = e^{η}(x + Δ_η F) of sde.Denoise, as the DDPM sampler does (eq. 61 with z = 0 at its
// last step), rather than with noise of norm sqrt(2ηd) at t = 0.
func (e *Experiment) Integrator(cfg sde.Config) (*sde.Integrator, error) {
	cfg.FinalDenoise = true
	return sde.New(e.backend, e.Score, cfg)
}

// Images splits row-major points x ([k, d]) into images with the data's channel means added
// back (pixel scale [0, 1] for display).
func (e *Experiment) Images(x []float32) ([][]float32, error) {
	d := e.D()
	if len(x)%d != 0 {
		return nil, fmt.Errorf("realdata: Images: x has %d values, not a multiple of d = %d", len(x), d)
	}
	out := make([][]float32, len(x)/d)
	for i := range out {
		img := append([]float32(nil), x[i*d:(i+1)*d]...)
		if e.Data.Mean != nil {
			for p := range img {
				img[p] += e.Data.Mean[p%e.Data.C]
			}
		}
		out[i] = img
	}
	return out, nil
}
