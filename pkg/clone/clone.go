package clone

import (
	"fmt"
	"math"
	"slices"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/diffregimes/diffregimes/pkg/sde"
)

// SpeciationLevel is the value of the cloning probability φ(t) at which the speciation time
// is read off a measured curve, φ(t_S) = 0.775 (main text, Figs. 2 and 4): for the mixture with
// σ = μ̃ = 1, eq. (6) gives φ(t_S) = 0.7752002 exactly in every dimension (package gmm).
const SpeciationLevel = 0.775

// ClassFunc labels points: x holds b points of dimension d row-major; it returns b labels.
// For the Gaussian mixture the label is sign(m·x) (SignClass); for the collapse it is the
// index of the nearest training point (nearest.ClassFunc); later, a trained classifier.
type ClassFunc func(x []float32, b, d int) ([]int, error)

// SignClass returns the class function of SI D.1: sign(m·x), as +1 or -1 (0 on the plane).
func SignClass(m []float32) ClassFunc {
	m = slices.Clone(m)
	return func(x []float32, b, d int) ([]int, error) {
		if d != len(m) || len(x) != b*d {
			return nil, fmt.Errorf("clone: SignClass: x has %d values for b=%d, d=%d, m has %d", len(x), b, d, len(m))
		}
		out := make([]int, b)
		for i := range b {
			var s float64
			for j, mj := range m {
				s += float64(x[i*d+j]) * float64(mj)
			}
			switch {
			case s > 0:
				out[i] = 1
			case s < 0:
				out[i] = -1
			}
		}
		return out, nil
	}
}

// Options configure Run.
type Options struct {
	Times []float64 // cloning times t, in (0, T]; rounded to the integrator's grid
	Pairs int       // number of clone pairs per time (the paper uses 10 000)
	Batch int       // trajectories per integrator call; default min(Pairs, 4096)
	// Classes maps a name ("phi", "phi_C", ...) to a class function; for each, Run
	// estimates the probability that the two clones get the same label.
	Classes map[string]ClassFunc
}

// Estimate is a probability estimated from Pairs Bernoulli samples, with the paper's error
// bar Err = 3 sqrt(p(1-p)/Pairs) (three standard errors).
type Estimate struct {
	P, Err float64
}

// Result holds, for each cloning time Times[i] (sorted decreasing, on the grid), the
// estimates Same[name][i] for each class function.
type Result struct {
	Times []float64
	Steps []int
	Pairs int
	Same  map[string][]Estimate
}

// Run performs the cloning protocol with the integrator in (its score, T, L, seed).
// The labels are taken on the integrator's x(0): with sde.Config.FinalDenoise, the noise-free
// x̂(0) = e^{η}(x + Δ_η F) of sde.Denoise (as the DDPM sampler ends, eq. 61 with z = 0);
// without it, the state after a last noisy step.
//
// Reuse of the shared prefix: each batch runs one trunk from T to 0, snapshotting it at each
// cloning time t_i; from each snapshot one extra copy is run to 0 with fresh noise. The
// trunk's own continuation after t_i uses noise independent of that copy, so (trunk end,
// copy end) is a clone pair for t_i with exactly the law of the protocol. The cost is
// L + Σ_i k_i steps per trajectory (k_i the steps from t_i to 0) instead of L + 2 Σ_i k_i;
// estimates at different t_i are correlated through the shared trunk, each is unbiased.
func Run(in *sde.Integrator, opt Options) (*Result, error) {
	if in == nil {
		return nil, fmt.Errorf("clone: integrator is nil")
	}
	if opt.Pairs < 1 {
		return nil, fmt.Errorf("clone: Pairs must be >= 1, got %d", opt.Pairs)
	}
	if len(opt.Times) == 0 {
		return nil, fmt.Errorf("clone: Times is empty")
	}
	if len(opt.Classes) == 0 {
		return nil, fmt.Errorf("clone: Classes is empty: give at least one class function")
	}
	for name, f := range opt.Classes {
		if f == nil {
			return nil, fmt.Errorf("clone: class function %q is nil", name)
		}
	}
	T, L := in.Config().T, in.Config().L
	steps := make([]int, 0, len(opt.Times))
	for _, t := range opt.Times {
		if !(t > 0 && t <= T) {
			return nil, fmt.Errorf("clone: cloning time %g outside (0, T = %g]", t, T)
		}
		k, _ := in.StepAt(t)
		steps = append(steps, min(k, L-1)) // at least one independent step
	}
	slices.Sort(steps) // increasing step = decreasing time
	steps = slices.Compact(steps)
	batch := opt.Batch
	if batch <= 0 {
		batch = min(opt.Pairs, 4096)
	}
	names := make([]string, 0, len(opt.Classes))
	for name := range opt.Classes {
		names = append(names, name)
	}
	slices.Sort(names)
	same := map[string][]int{}
	for _, name := range names {
		same[name] = make([]int, len(steps))
	}
	d := in.Dim()
	for done := 0; done < opt.Pairs; done += batch {
		b := min(batch, opt.Pairs-done)
		x, err := in.Start(b)
		if err != nil {
			return nil, err
		}
		copies := make([]map[string][]int, len(steps)) // labels of the copy cloned at steps[i]
		k := 0
		for i, ks := range steps {
			if x, err = in.Run(x, k, ks); err != nil {
				return nil, err
			}
			k = ks
			c, err := in.Run(x, ks, L) // the independent clone
			if err != nil {
				return nil, err
			}
			if copies[i], err = labels(c, b, d, names, opt.Classes); err != nil {
				return nil, err
			}
		}
		if x, err = in.Run(x, k, L); err != nil {
			return nil, err
		}
		trunk, err := labels(x, b, d, names, opt.Classes)
		if err != nil {
			return nil, err
		}
		for i := range steps {
			for _, name := range names {
				for p := range b {
					if trunk[name][p] == copies[i][name][p] {
						same[name][i]++
					}
				}
			}
		}
	}
	res := &Result{Pairs: opt.Pairs, Same: map[string][]Estimate{}}
	for _, ks := range steps {
		res.Steps = append(res.Steps, ks)
		res.Times = append(res.Times, in.Time(ks))
	}
	for _, name := range names {
		for i := range steps {
			res.Same[name] = append(res.Same[name], Bernoulli(same[name][i], opt.Pairs))
		}
	}
	return res, nil
}

// Bernoulli returns the estimate k/n with three standard errors, 3 sqrt(p(1-p)/n).
func Bernoulli(k, n int) Estimate {
	p := float64(k) / float64(n)
	return Estimate{P: p, Err: 3 * math.Sqrt(p*(1-p)/float64(n))}
}

func labels(x *tensors.Tensor, b, d int, names []string, classes map[string]ClassFunc) (map[string][]int, error) {
	v, err := tensors.CopyFlatData[float32](x)
	if err != nil {
		return nil, err
	}
	out := map[string][]int{}
	for _, name := range names {
		l, err := classes[name](v, b, d)
		if err != nil {
			return nil, fmt.Errorf("clone: class function %q: %w", name, err)
		}
		if len(l) != b {
			return nil, fmt.Errorf("clone: class function %q returned %d labels for %d points", name, len(l), b)
		}
		out[name] = l
	}
	return out, nil
}
