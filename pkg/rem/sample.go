package rem

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/diffregimes/diffregimes/pkg/ou"
)

// maxLevels caps the number of levels a Sample may draw (memory is O(d), time O(levels·d)).
const maxLevels = 1 << 26

// Sample is one finite instance of the partition functions of SI C.1 (eqs. 30-32), each
// divided by d.
type Sample struct {
	D      int     // dimension
	Levels int     // data points drawn in each cluster: round(e^{αd})
	LogZ1  float64 // (1/d) log Z_1 = −|z|²/(2d), → −1/2
	LogZp  float64 // (1/d) log Z_+ (levels from the cluster of a¹), → ψ_+(t)
	LogZm  float64 // (1/d) log Z_− (levels from the other cluster), → ψ_−(t)
}

// Sample draws one instance of the model in dimension d at time t: a¹ = m + σ ξ¹ with
// m = μ̃(1, ..., 1), x = a¹ e^{-t} + z sqrt(Δ_t), and round(e^{αd}) data points in each cluster
// (a^μ = ±m + σ ξ^μ), and returns (1/d) log of Z_1, Z_+ and Z_− of eqs. (30)-(32), each sum
// taken with a streaming log-sum-exp (no overflow at any t, d). Data points are generated one
// at a time, so memory is O(d). Errors for d < 1, t outside (0, ∞), a nil rng, an invalid model,
// or more than 2^26 levels.
func (m Model) Sample(t float64, d int, rng *rand.Rand) (Sample, error) {
	if _, err := m.checked(t, false); err != nil {
		return Sample{}, err
	}
	if d < 1 {
		return Sample{}, fmt.Errorf("rem: Sample: dimension d must be >= 1, got %d", d)
	}
	if rng == nil {
		return Sample{}, fmt.Errorf("rem: Sample: rng is nil")
	}
	nl := math.Round(math.Exp(m.Alpha * float64(d)))
	if nl > maxLevels {
		return Sample{}, fmt.Errorf("rem: Sample: e^{αd} = %g levels exceed the cap %d; lower d or α", nl, maxLevels)
	}
	levels := max(1, int(nl))
	delta := ou.Delta(t)
	st := m.Sigma * math.Exp(-t) // σ_t
	sd := math.Sqrt(delta)
	shift := 2 * m.Mu * math.Exp(-t) // x + m e^{-t} = c + 2 m e^{-t}, per coordinate

	// x − a^μ e^{-t} = c − σ_t ξ^μ (+ 2m e^{-t} for the other cluster), c = σ_t ξ¹ + sqrt(Δ_t) z.
	c := make([]float64, d)
	var z2 float64
	for i := range c {
		z := rng.NormFloat64()
		z2 += z * z
		c[i] = st*rng.NormFloat64() + sd*z
	}
	logZ := func(offset float64) float64 {
		var acc lse
		for range levels {
			var e float64
			for _, ci := range c {
				r := ci + offset - st*rng.NormFloat64()
				e += r * r
			}
			acc.add(-e / (2 * delta))
		}
		return acc.log() / float64(d)
	}
	return Sample{
		D:      d,
		Levels: levels,
		LogZ1:  -z2 / (2 * float64(d)),
		LogZp:  logZ(0),
		LogZm:  logZ(shift),
	}, nil
}

// SampleTypical is Sample at a typical point x: it fixes |x − m e^{-t}|² = d(Δ_t + σ_t²) (and so
// |x + m e^{-t}|² = d(Δ_t + σ_t² + M_t)) and |z|² = d, the values the analysis of SI C
// concentrates on, which removes the O(1/sqrt d) fluctuations of x from the estimate. Given x,
// each level is drawn exactly from its law, 2Δ_t E/σ_t² ~ noncentral χ²_d with non-centrality
// |x ∓ m e^{-t}|²/σ_t², as (sqrt(nc) − ξ)² + χ²_{d−1}: O(1) work per level, so d can be larger
// than with Sample at the same cost. Errors as for Sample.
func (m Model) SampleTypical(t float64, d int, rng *rand.Rand) (Sample, error) {
	if _, err := m.checked(t, false); err != nil {
		return Sample{}, err
	}
	if d < 1 {
		return Sample{}, fmt.Errorf("rem: SampleTypical: dimension d must be >= 1, got %d", d)
	}
	if rng == nil {
		return Sample{}, fmt.Errorf("rem: SampleTypical: rng is nil")
	}
	nl := math.Round(math.Exp(m.Alpha * float64(d)))
	if nl > maxLevels {
		return Sample{}, fmt.Errorf("rem: SampleTypical: e^{αd} = %g levels exceed the cap %d; lower d or α", nl, maxLevels)
	}
	levels := max(1, int(nl))
	lp, _ := m.levels(t, false)
	lm, _ := m.levels(t, true)
	logZ := func(l Levels) float64 {
		fd := float64(d)
		root := math.Sqrt(fd * (l.Delta + l.S + l.M) / l.S) // sqrt of the non-centrality
		scale := l.S / (2 * l.Delta)
		var acc lse
		for range levels {
			r := root - rng.NormFloat64()
			acc.add(-scale * (r*r + chiSquare(rng, d-1)))
		}
		return acc.log() / fd
	}
	return Sample{D: d, Levels: levels, LogZ1: -0.5, LogZp: logZ(lp), LogZm: logZ(lm)}, nil
}

// chiSquare draws from χ²_k = 2 Gamma(k/2) by Marsaglia-Tsang (shape boosted by one below 1).
func chiSquare(rng *rand.Rand, k int) float64 {
	if k <= 0 {
		return 0
	}
	a := 0.5 * float64(k)
	boost := 1.0
	if a < 1 {
		boost = math.Pow(rng.Float64(), 1/a)
		a++
	}
	dd := a - 1.0/3
	c := 1 / (3 * math.Sqrt(dd))
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+dd*(1-v+math.Log(v)) {
			return 2 * boost * dd * v
		}
	}
}

// lse accumulates log Σ e^{v} in one pass.
type lse struct {
	max, sum float64
	n        int
}

func (a *lse) add(v float64) {
	switch {
	case a.n == 0:
		a.max, a.sum = v, 1
	case v > a.max:
		a.sum = a.sum*math.Exp(a.max-v) + 1
		a.max = v
	default:
		a.sum += math.Exp(v - a.max)
	}
	a.n++
}

func (a *lse) log() float64 { return a.max + math.Log(a.sum) }
