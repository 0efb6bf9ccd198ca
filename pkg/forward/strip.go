package forward

import "fmt"

// Strip returns x(t) for one data point a (length d) at each of the times ts, all with the same noise
// vector ξ (seeded), as in the poster's strip of progressively noisier images: the image fades as
// e^{-t} while the same noise grows as sqrt(Δ_t).
func (s *Sampler) Strip(a []float32, ts []float64, seed uint64) ([][]float32, error) {
	if len(a) == 0 {
		return nil, fmt.Errorf("forward: Strip: empty data point")
	}
	if len(ts) == 0 {
		return nil, fmt.Errorf("forward: Strip: no times")
	}
	xi := Noise(1, len(a), seed, 0)
	out := make([][]float32, len(ts))
	for k, t := range ts {
		x, err := s.Apply(a, xi, 1, len(a), t)
		if err != nil {
			return nil, fmt.Errorf("forward: Strip: t=%g: %w", t, err)
		}
		out[k] = x
	}
	return out, nil
}

// Columns splits variance points into the columns a chart needs: Δ_t, the measured variance, three
// standard errors (the paper's error bars) and the prediction.
func Columns(pts []Point) (delta, measured, err3, predicted []float64) {
	for _, p := range pts {
		delta = append(delta, p.Delta)
		measured = append(measured, p.Variance)
		err3 = append(err3, 3*p.StdErr)
		predicted = append(predicted, p.Predicted)
	}
	return delta, measured, err3, predicted
}

// MaxDeviation returns the largest |measured - predicted| in units of the standard error.
func MaxDeviation(pts []Point) float64 {
	m := 0.0
	for _, p := range pts {
		if p.StdErr > 0 {
			m = max(m, abs(p.Variance-p.Predicted)/p.StdErr)
		}
	}
	return m
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
