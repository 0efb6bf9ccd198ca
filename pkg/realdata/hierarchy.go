package realdata

import (
	"fmt"
	"math"

	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/sde"
	"github.com/diffregimes/diffregimes/pkg/spectrum"
	"gonum.org/v1/gonum/floats"
)

// HierarchyOptions configure Hierarchy.
type HierarchyOptions struct {
	// Ratios are the cloning times in units of the coarse prediction t₁ = ½ log Λ₁.
	Ratios []float64
	// Pairs is the number of clone pairs per time, Batch the pairs per integrator call (0:
	// clone's default).
	Pairs, Batch int
	// SDE configures the backward integrator (T, L, K, seed).
	SDE sde.Config
}

// HierarchyResult is hierarchical speciation on a training set of four classes in two groups
// (pkg/hier for the mixture): φ_coarse(t) = P(two clones end in the same group) and
// φ_fine(t) = P(the same class | the same group), against the two largest eigenvalues of the
// covariance of the first channel.
type HierarchyResult struct {
	Label string
	N, D  int
	// Lambda1 > Lambda2 are the two largest eigenvalues, T1 = ½ log Λ₁ and T2 = ½ log Λ₂ the
	// predicted coarse and fine speciation times (eq. 4 and pkg/hier's H3).
	Lambda1, Lambda2, T1, T2 float64
	// Align1 is |cos| between the top eigenvector and the difference of the two group means;
	// Align2 the largest |cos| between the second eigenvector and a within-group difference of
	// class means: how far the two eigen-directions are the coarse and the fine splits.
	Align1, Align2 float64
	// Times are the cloning times (increasing, on the grid), Ratios = Times/T1.
	Times, Ratios []float64
	// Coarse is φ_coarse, Class is P(same class), Fine = Class/Coarse as a proportion over the
	// pairs that end in the same group; all with three standard errors.
	Coarse, Class, Fine []clone.Estimate
	Pairs               int
	// CoarseCrossing and FineCrossing are where φ_coarse and φ_fine cross
	// clone.SpeciationLevel (NaN when they do not), with one standard error each.
	CoarseCrossing, CoarseErr, FineCrossing, FineErr float64
}

// Hierarchy runs the cloning protocol on the experiment (route a or b) with the 4-way class
// function class, group[k] being the group (0 or 1) of class k.
func Hierarchy(e *Experiment, class clone.ClassFunc, group []int, opt HierarchyOptions) (*HierarchyResult, error) {
	switch {
	case e == nil:
		return nil, fmt.Errorf("realdata: Hierarchy: experiment is nil")
	case class == nil:
		return nil, fmt.Errorf("realdata: Hierarchy: class function is nil")
	case len(opt.Ratios) == 0:
		return nil, fmt.Errorf("realdata: Hierarchy: Ratios is empty")
	case opt.Pairs < 1:
		return nil, fmt.Errorf("realdata: Hierarchy: need Pairs >= 1, got %d", opt.Pairs)
	}
	if err := checkGroups(group, e.Data.Labels); err != nil {
		return nil, err
	}
	r := &HierarchyResult{Label: e.Label(), N: e.N(), D: e.D(), Pairs: opt.Pairs}
	if err := r.spectrum(e, group); err != nil {
		return nil, err
	}
	in, err := e.Integrator(opt.SDE)
	if err != nil {
		return nil, err
	}
	times := make([]float64, len(opt.Ratios))
	for i, x := range opt.Ratios {
		times[i] = x * r.T1
		if !(x > 0) || times[i] > in.Config().T {
			return nil, fmt.Errorf("realdata: Hierarchy: Ratios[%d] = %g gives t = %g outside (0, T = %g]", i, x, times[i], in.Config().T)
		}
	}
	groupOf := func(x []float32, b, d int) ([]int, error) {
		l, err := class(x, b, d)
		if err != nil {
			return nil, err
		}
		g := make([]int, len(l))
		for i, k := range l {
			if k < 0 || k >= len(group) {
				return nil, fmt.Errorf("realdata: Hierarchy: class %d outside the %d classes", k, len(group))
			}
			g[i] = group[k]
		}
		return g, nil
	}
	res, err := clone.Run(in, clone.Options{Times: times, Pairs: opt.Pairs, Batch: opt.Batch,
		Classes: map[string]clone.ClassFunc{"class": class, "group": groupOf}})
	if err != nil {
		return nil, fmt.Errorf("realdata: Hierarchy %s: %w", e.Label(), err)
	}
	for i := len(res.Times) - 1; i >= 0; i-- { // increasing t
		c, k := res.Same["group"][i], res.Same["class"][i]
		r.Times = append(r.Times, res.Times[i])
		r.Ratios = append(r.Ratios, res.Times[i]/r.T1)
		r.Coarse, r.Class = append(r.Coarse, c), append(r.Class, k)
		// Same class implies same group: Fine is the proportion of same-class pairs among the
		// round(c.P·Pairs) same-group pairs.
		ng := int(math.Round(c.P * float64(opt.Pairs)))
		nc := int(math.Round(k.P * float64(opt.Pairs)))
		f := clone.Estimate{P: math.NaN(), Err: math.NaN()}
		if ng > 0 {
			f = clone.Bernoulli(nc, ng)
		}
		r.Fine = append(r.Fine, f)
	}
	r.CoarseCrossing, r.CoarseErr = crossing(r.Times, r.Coarse)
	r.FineCrossing, r.FineErr = crossing(r.Times, r.Fine)
	return r, nil
}

// checkGroups says whether group assigns 0 or 1 to each of the data's classes, both used.
func checkGroups(group, labels []int) error {
	seen := [2]bool{}
	for k, g := range group {
		if g != 0 && g != 1 {
			return fmt.Errorf("realdata: Hierarchy: group[%d] = %d, want 0 or 1", k, g)
		}
		seen[g] = true
	}
	if !seen[0] || !seen[1] {
		return fmt.Errorf("realdata: Hierarchy: groups %v do not use both groups", group)
	}
	for _, l := range labels {
		if l < 0 || l >= len(group) {
			return fmt.Errorf("realdata: Hierarchy: a training label %d has no group (%d groups given)", l, len(group))
		}
	}
	return nil
}

// spectrum measures Λ₁, Λ₂ of the first channel, the predicted times and the alignments.
func (r *HierarchyResult) spectrum(e *Experiment, group []int) error {
	ds := e.Data
	ch, err := ds.Channel(0)
	if err != nil {
		return err
	}
	p := ds.H * ds.W
	cov, err := spectrum.NewCovariance(ch, ds.N, p)
	if err != nil {
		return fmt.Errorf("realdata: Hierarchy: covariance: %w", err)
	}
	top, err := cov.Top(2)
	if err != nil {
		return fmt.Errorf("realdata: Hierarchy: spectrum: %w", err)
	}
	r.Lambda1, r.Lambda2 = top.Values[0], top.Values[1]
	if r.T1, err = spectrum.TS(r.Lambda1); err != nil {
		return err
	}
	if r.T2, err = spectrum.TS(r.Lambda2); err != nil {
		return err
	}
	// Class means of the first channel.
	means := make([][]float64, len(group))
	counts := make([]int, len(group))
	for i, l := range ds.Labels {
		if means[l] == nil {
			means[l] = make([]float64, p)
		}
		for j := range p {
			means[l][j] += float64(ch[i*p+j])
		}
		counts[l]++
	}
	for k := range means {
		for j := range means[k] {
			means[k][j] /= float64(max(1, counts[k]))
		}
	}
	var gm [2][]float64
	var gc [2]int
	for k, g := range group {
		if means[k] == nil {
			continue
		}
		if gm[g] == nil {
			gm[g] = make([]float64, p)
		}
		for j := range p {
			gm[g][j] += float64(counts[k]) * means[k][j]
		}
		gc[g] += counts[k]
	}
	diff := func(a []float64, wa int, b []float64, wb int) []float64 {
		v := make([]float64, p)
		for j := range v {
			v[j] = a[j]/float64(max(1, wa)) - b[j]/float64(max(1, wb))
		}
		return v
	}
	if gm[0] != nil && gm[1] != nil {
		r.Align1 = absCos(top.Vectors[0], diff(gm[1], gc[1], gm[0], gc[0]))
	}
	for g := range 2 {
		var ks []int
		for k, gk := range group {
			if gk == g && means[k] != nil {
				ks = append(ks, k)
			}
		}
		for a := range ks {
			for b := range a {
				r.Align2 = max(r.Align2, absCos(top.Vectors[1], diff(means[ks[a]], 1, means[ks[b]], 1)))
			}
		}
	}
	return nil
}

// absCos is |u·v| / (|u| |v|) (0 for a zero vector).
func absCos(u, v []float64) float64 {
	nu, nv := floats.Norm(u, 2), floats.Norm(v, 2)
	if nu == 0 || nv == 0 {
		return 0
	}
	return math.Abs(floats.Dot(u, v)) / (nu * nv)
}
