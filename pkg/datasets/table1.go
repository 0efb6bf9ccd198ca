package datasets

import (
	"fmt"
	"strings"

	"github.com/diffregimes/diffregimes/pkg/ou"
	"github.com/diffregimes/diffregimes/pkg/spectrum"
)

// Table1Result is one measured row of Table 1: Λ and t_S of the first channel (SI D.2) of the
// row's data, beside the paper's values.
type Table1Result struct {
	Row Table1Row
	// Available says whether the data was found; Looked lists where it was looked for.
	Available bool
	Looked    []string
	// Err is a load or compute failure (nil when the data is simply absent).
	Err error
	// N is the number of images used, D the full dimension H·W·C, H and W the image size.
	N, D, H, W int
	// Spectrum summarises the first channel (dimension H·W).
	Spectrum *spectrum.Summary
	// Channel0 holds the first channel of the N images, row-major [N, H·W].
	Channel0 []float32
}

// MeasureTable1 loads the row's data with min(n, paper's n) images (n = 0: the paper's n,
// rounded down to a multiple of the class count) and computes the top-k
// spectrum of its first channel (Λ, t_S, first principal component; the effective-measure
// Landau time too when effective). Missing data is reported, not an error.
func MeasureTable1(row Table1Row, n, k int, effective bool) *Table1Result {
	res := &Table1Result{Row: row}
	res.Available, res.Looked = row.Available()
	if !res.Available {
		return res
	}
	spec := row.Spec
	if n > 0 && n < spec.N {
		k := len(spec.Classes)
		spec.N = n / k * k
	}
	ds, err := Load(spec)
	if err != nil {
		res.Err = err
		return res
	}
	res.N, res.D, res.H, res.W = ds.N, ds.D(), ds.H, ds.W
	ch, err := ds.Channel(0)
	if err != nil {
		res.Err = err
		return res
	}
	res.Channel0 = ch
	res.Spectrum, res.Err = spectrum.Summarize(ch, ds.N, ds.H*ds.W, k, effective)
	return res
}

// MeasureAll is MeasureTable1 for every row of Table1(), without the effective-measure
// Landau time (add it with EffectiveLandau, it costs ~10 s per dataset on a CPU).
func MeasureAll(n, k int) []*Table1Result {
	var out []*Table1Result
	for _, row := range Table1() {
		out = append(out, MeasureTable1(row, n, k, false))
	}
	return out
}

// EffectiveLandau fills Spectrum.TLandauEff: the largest t in (0.05, 5] where the smallest
// eigenvalue of M(t) (eq. 16, effective measure of eq. 14) crosses zero. No-op without data.
func (r *Table1Result) EffectiveLandau() error {
	if r.Spectrum == nil {
		return nil
	}
	l := &spectrum.Landau{X: r.Channel0, N: r.N, D: r.H * r.W, Effective: true, Options: []spectrum.Option{spectrum.Tol(1e-7)}}
	t, err := l.Time(0.05, 5, 20)
	if err != nil {
		return err
	}
	r.Spectrum.TLandauEff = t
	return nil
}

// PCImage returns the first principal component as an H×W one-channel image rescaled to
// [0, 1] (min to 0, max to 1), for display.
func (r *Table1Result) PCImage() []float32 {
	if r.Spectrum == nil {
		return nil
	}
	pc := r.Spectrum.PC
	lo, hi := pc[0], pc[0]
	for _, v := range pc {
		lo, hi = min(lo, v), max(hi, v)
	}
	out := make([]float32, len(pc))
	for i, v := range pc {
		if hi > lo {
			out[i] = float32((v - lo) / (hi - lo))
		}
	}
	return out
}

// FormatTable1 renders measured rows beside the paper's values as a plain-text table, then
// lists the missing datasets with the paths looked in and how to provide them.
func FormatTable1(results []*Table1Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-30s %7s %6s %9s %6s | %7s %6s %9s %6s | %7s %7s\n", "dataset", "n", "d", "Λ", "t_S", "paper n", "d", "Λ", "t_S", "t_L", "t_Leff")
	var missing []*Table1Result
	for _, r := range results {
		paper := fmt.Sprintf("%7d %6d %9.2f %6.2f", r.Row.N, r.Row.D, r.Row.Lambda, r.Row.TS)
		if r.Row.Lambda == 0 {
			paper = fmt.Sprintf("%7s %6s %9s %6s", "-", "-", "-", "-")
		}
		switch {
		case !r.Available:
			missing = append(missing, r)
			fmt.Fprintf(&b, "%-30s %7s %6s %9s %6s | %s |\n", r.Row.Label, "absent", "", "", "", paper)
		case r.Err != nil:
			fmt.Fprintf(&b, "%-30s error: %v | %s\n", r.Row.Label, r.Err, paper)
		default:
			s := r.Spectrum
			eff := "-"
			if s.TLandauEff > 0 {
				eff = fmt.Sprintf("%.3f", s.TLandauEff)
			}
			fmt.Fprintf(&b, "%-30s %7d %6d %9.2f %6.2f | %s | %7.3f %7s\n", r.Row.Label, r.N, r.D, s.Lambda, s.TS, paper, s.TLandau, eff)
		}
	}
	b.WriteString("\nΛ: top covariance eigenvalue of the first channel (pixels in [0,1], channel-centred); t_S = 1/2 log Λ (eq. 4);\n")
	b.WriteString("t_L = 1/2 log(1+Λ): zero crossing of M(t), eq. (16) with 1/Δ_t; t_Leff: same with the effective measure of eq. (14).\n")
	for _, r := range missing {
		fmt.Fprintf(&b, "\nmissing %s: looked in %s\n  to provide it: %s (root: $%s or one of the paths above)\n", r.Row.Label, strings.Join(r.Looked, ", "), r.Row.HowTo, EnvData)
	}
	return b.String()
}

// NoisedCheck is one test of eq. (11) on a row's first channel at time T: the top eigenvalue
// of the covariance of the forward-noised data (Monte Carlo), eq. (11)'s Λ e^{-2T} + Δ_T, and
// eq. (11) corrected for n finite samples (spectrum.SampleTopEigenvalue; not in the paper).
type NoisedCheck struct {
	T, Measured, Eq11, Finite float64
}

// CheckNoised runs the eq. (11) check at t = f·t_S for each factor f, with seeded noise.
// It returns nil without data.
func (r *Table1Result) CheckNoised(factors []float64, seed uint64) ([]NoisedCheck, error) {
	if r.Spectrum == nil {
		return nil, nil
	}
	s, d := r.Spectrum, r.H*r.W
	out := make([]NoisedCheck, 0, len(factors))
	for _, f := range factors {
		t := f * s.TS
		got, err := spectrum.ForwardNoisedLambda(r.Channel0, r.N, d, t, seed)
		if err != nil {
			return nil, fmt.Errorf("datasets: eq. (11) check of %s at t = %g: %w", r.Row.Label, t, err)
		}
		pred := spectrum.NoisedEigenvalue(s.Lambda, t)
		finite, err := spectrum.SampleTopEigenvalue(pred, ou.Delta(t), r.N, d)
		if err != nil {
			return nil, fmt.Errorf("datasets: eq. (11) check of %s at t = %g: %w", r.Row.Label, t, err)
		}
		out = append(out, NoisedCheck{T: t, Measured: got, Eq11: pred, Finite: finite})
	}
	return out, nil
}

// FormatSpeciation renders, for every measured row, Λ, t_S (eq. 4) and the Landau crossing
// (eq. 16) beside the paper's values, then the eq. (11) checks at t = f·t_S.
func FormatSpeciation(results []*Table1Result, factors []float64, seed uint64) (string, error) {
	var b strings.Builder
	b.WriteString("Speciation time (eq. 4) and Landau crossing (eq. 16):\n")
	for _, r := range results {
		if r.Spectrum == nil {
			continue
		}
		s := r.Spectrum
		paper := "no paper value"
		if r.Row.Lambda > 0 {
			paper = fmt.Sprintf("paper Λ = %.2f, t_S = %.2f", r.Row.Lambda, r.Row.TS)
		}
		fmt.Fprintf(&b, "  %-28s n=%d d=%d  Λ = %.2f  t_S = %.3f  t_L = %.3f  (%s)\n", r.Row.Label, r.N, r.D, s.Lambda, s.TS, s.TLandau, paper)
	}
	b.WriteString("\nNoised covariance, eq. (11): top eigenvalue of the forward-noised data vs Λ e^{-2t} + Δ_t,\n")
	b.WriteString("and vs the same corrected for n finite samples (spike over Δ_t-noise, Marchenko-Pastur/BBP, not in the paper)\n")
	for _, r := range results {
		checks, err := r.CheckNoised(factors, seed)
		if err != nil {
			return b.String(), err
		}
		for i, c := range checks {
			fmt.Fprintf(&b, "  %-28s t = %.1f t_S = %.3f: measured %.3f | eq. (11) %.3f (%+.1f%%) | finite-n %.3f (%+.1f%%)\n",
				r.Row.Label, factors[i], c.T, c.Measured, c.Eq11, 100*(c.Measured-c.Eq11)/c.Eq11, c.Finite, 100*(c.Measured-c.Finite)/c.Finite)
		}
	}
	return b.String(), nil
}
