package realdata

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/diffregimes/diffregimes/pkg/datasets"

	"github.com/diffregimes/diffregimes/pkg/nbplot"
	"github.com/diffregimes/diffregimes/pkg/nearest"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

// PosterTimes are the times of the poster's strips, decreasing: 3.2, 1.6, 0.8, 0.4, 0.2, 0.1,
// 0.05 and 0 (the backward strip runs left to right in this order, the forward one in reverse).
func PosterTimes() []float64 { return []float64{3.2, 1.6, 0.8, 0.4, 0.2, 0.1, 0.05, 0} }

// Regime names the regime of the backward dynamics at time t (main text, Figure 1): "I"
// (t > t_S, before speciation), "II" (t_C < t < t_S: the class is fixed, not the image) and
// "III" (t < t_C: collapse onto one training image). A NaN t_C counts as 0.
func Regime(t, tS, tC float64) string {
	if math.IsNaN(tC) {
		tC = 0
	}
	switch {
	case t > tS:
		return "I"
	case t > tC:
		return "II"
	}
	return "III"
}

// Strip is one backward trajectory shown at a few times (the poster's backward strip).
type Strip struct {
	// Label names the experiment; H, W, C the image shape.
	Label   string
	H, W, C int
	// Times are the times shown (on the integrator's grid, decreasing, the last 0: x̂(0)).
	Times []float64
	// Images are x(t) at those times with the data's channel means added back (the noisy
	// state, as the forward strip shows x(t)); Labels "t = … (regime)".
	Images [][]float32
	Labels []string
	// TS and TC are the speciation and collapse times marked in the labels.
	TS, TC float64
}

// BackwardStrip runs one backward trajectory (eq. 55, the noise-free last step to t = 0) and
// returns x(t) at the given times (each in [0, T], rounded to the grid), labelled with the
// regime of each time for the speciation time e.TS and the collapse time tC.
func (e *Experiment) BackwardStrip(times []float64, tC float64, cfg sde.Config) (*Strip, error) {
	if len(times) == 0 {
		return nil, fmt.Errorf("realdata: BackwardStrip: no times")
	}
	in, err := e.Integrator(cfg)
	if err != nil {
		return nil, err
	}
	L := in.Config().L
	ts := slices.Clone(times)
	slices.SortFunc(ts, func(a, b float64) int { return cmp.Compare(b, a) })
	x, err := in.Start(1)
	if err != nil {
		return nil, err
	}
	s := &Strip{Label: e.Label(), H: e.Data.H, W: e.Data.W, C: e.Data.C, TS: e.TS, TC: tC}
	k := 0
	for _, t := range ts {
		kt, err := in.StepAt(t)
		if err != nil {
			return nil, fmt.Errorf("realdata: BackwardStrip: %w", err)
		}
		if t == 0 {
			kt = L
		}
		if x, err = in.Run(x, k, kt); err != nil {
			return nil, err
		}
		k = kt
		v, err := tensors.CopyFlatData[float32](x)
		if err != nil {
			return nil, err
		}
		img, err := e.Images(v)
		if err != nil {
			return nil, err
		}
		tk := in.Time(kt)
		if kt == L {
			tk = 0
		}
		s.Times = append(s.Times, tk)
		s.Images = append(s.Images, img[0])
		s.Labels = append(s.Labels, fmt.Sprintf("t = %.3g (%s)", tk, Regime(tk, e.TS, tC)))
	}
	return s, nil
}

// Chart draws the strip, its title marking t_S and t_C.
func (s *Strip) Chart() *nbplot.ImageGrid {
	return nbplot.Images(fmt.Sprintf("backward trajectory, %s: t_S = %.2f, t_C = %.2f (I: t > t_S, II: t_C < t < t_S, III: t < t_C)",
		s.Label, s.TS, s.TC), s.Images, s.H, s.W, s.C).Cols(len(s.Images)).Labels(s.Labels).AutoRange().Zoom(2)
}

// CloneCase is one cloning time of CloneCases: two clones split at T and finished independently.
type CloneCase struct {
	// Regime is the regime of T (Regime); Expect what the paper predicts for the two clones.
	Regime, Expect string
	// T is the cloning time on the grid.
	T float64
	// Pairs clone pairs were run; SameClass of them ended in the same class (the label of the
	// nearest training image of x̂(0)), SameImage on the same nearest training image.
	Pairs, SameClass, SameImage int
	// Shown is the pair drawn: the first whose outcome is the predicted one (-1: none was, and
	// pair 0 is drawn). A and B are its two x̂(0) (pixel scale), NearestA/B their nearest
	// training images, DistA/B the distances to them, ClassA/B the class names.
	Shown              int
	A, B               []float32
	NearestA, NearestB int
	DistA, DistB       float64
	ClassA, ClassB     string
	// ImageA and ImageB are the nearest training images (pixel scale).
	ImageA, ImageB []float32
}

// CloneCases runs pairs clone pairs at each cloning time (all in one stacked run) and, for each
// time, counts the pairs ending in the same class and on the same training image and keeps an
// example pair showing the outcome the regime predicts: different classes in regime I, same
// class but different images in regime II, the same training image in regime III. The class of
// x̂(0) is the label of its nearest training image.
func (e *Experiment) CloneCases(times []float64, tC float64, pairs int, cfg sde.Config) ([]CloneCase, error) {
	if pairs < 1 {
		return nil, fmt.Errorf("realdata: CloneCases: need pairs >= 1, got %d", pairs)
	}
	if len(e.Data.Labels) != e.N() {
		return nil, fmt.Errorf("realdata: CloneCases: dataset %s has no labels", e.Data.Name)
	}
	in, err := e.Integrator(stackedConfig(e, cfg))
	if err != nil {
		return nil, err
	}
	steps, err := cloneSteps(in, times)
	if err != nil {
		return nil, err
	}
	st, err := runStacked(e, in, pairs, pairs, steps, false)
	if err != nil {
		return nil, err
	}
	tr, err := nearest.New(e.backend, e.Points)
	if err != nil {
		return nil, err
	}
	d := e.D()
	muT, distT, err := tr.Nearest(st.x[:pairs*d], 0)
	if err != nil {
		return nil, err
	}
	className := func(mu int) string {
		l := e.Data.Labels[mu]
		if l >= 0 && l < len(e.Data.ClassNames) {
			return e.Data.ClassNames[l]
		}
		return fmt.Sprint(l)
	}
	var out []CloneCase
	for i, ks := range steps {
		t := in.Time(ks)
		c := CloneCase{Regime: Regime(t, e.TS, tC), T: t, Pairs: pairs, Shown: -1}
		clones := st.clones(i, d)
		muC, distC, err := tr.Nearest(clones, 0)
		if err != nil {
			return nil, err
		}
		want := func(p int) bool {
			sameClass := e.Data.Labels[muT[p]] == e.Data.Labels[muC[p]]
			switch c.Regime {
			case "I":
				return !sameClass
			case "II":
				return sameClass && muT[p] != muC[p]
			}
			return muT[p] == muC[p]
		}
		switch c.Regime {
		case "I":
			c.Expect = "different classes"
		case "II":
			c.Expect = "same class, different images"
		default:
			c.Expect = "the same training image"
		}
		for p := range pairs {
			if e.Data.Labels[muT[p]] == e.Data.Labels[muC[p]] {
				c.SameClass++
			}
			if muT[p] == muC[p] {
				c.SameImage++
			}
			if c.Shown < 0 && want(p) {
				c.Shown = p
			}
		}
		p := max(c.Shown, 0)
		imgs, err := e.Images(append(append([]float32(nil), st.x[p*d:(p+1)*d]...), clones[p*d:(p+1)*d]...))
		if err != nil {
			return nil, err
		}
		c.A, c.B = imgs[0], imgs[1]
		c.NearestA, c.NearestB, c.DistA, c.DistB = muT[p], muC[p], distT[p], distC[p]
		c.ClassA, c.ClassB = className(muT[p]), className(muC[p])
		near, err := e.Images(append(append([]float32(nil), e.Points.Point(muT[p])...), e.Points.Point(muC[p])...))
		if err != nil {
			return nil, err
		}
		c.ImageA, c.ImageB = near[0], near[1]
		out = append(out, c)
	}
	return out, nil
}

// CloneCasesChart draws each case as a row: the two clones x̂(0) and their nearest training
// images, labelled with the cloning time, the classes and the distances (label names the model;
// h, w, c are the image shape).
func CloneCasesChart(label string, h, w, c int, cases []CloneCase) *nbplot.ImageGrid {
	var imgs [][]float32
	var labels []string
	for _, cs := range cases {
		shown := "example"
		if cs.Shown < 0 {
			shown = "none of the pairs did; pair 0"
		}
		imgs = append(imgs, cs.A, cs.B, cs.ImageA, cs.ImageB)
		labels = append(labels,
			fmt.Sprintf("split t = %.2f (%s): clone 1, %s", cs.T, cs.Regime, cs.ClassA),
			fmt.Sprintf("clone 2, %s (%s: %s)", cs.ClassB, cs.Expect, shown),
			fmt.Sprintf("nearest of 1: μ = %d, d = %.2f", cs.NearestA, cs.DistA),
			fmt.Sprintf("nearest of 2: μ = %d, d = %.2f", cs.NearestB, cs.DistB))
	}
	return nbplot.Images(fmt.Sprintf("clones of %s split in the three regimes, with their nearest training images", label),
		imgs, h, w, c).Cols(4).Labels(labels).Range(0, 1).Zoom(2)
}

// Figure1ImagesOptions configure Figure1Images.
type Figure1ImagesOptions struct {
	// Specs are the training sets; route (b) is shown where a model trained on exactly one exists.
	Specs []datasets.Spec
	// Samples tracked trajectories give t̄_C (Collapse); Pairs clone pairs per split time.
	Samples, Pairs int
	// SDE is the backward integrator's configuration (T >= 3.2 for the poster's times).
	SDE sde.Config
}

// Figure1Panel is the image side of Figure 1 for one experiment.
type Figure1Panel struct {
	// Label names the experiment, H, W, C its image shape, TS its t_S = ½ log Λ.
	Label   string
	H, W, C int
	TS      float64
	// TC is t̄_C measured on Samples trajectories (TCErr three standard errors).
	TC, TCErr float64
	Strip     *Strip
	Cases     []CloneCase
	// Model is route (b)'s provenance (nil for route a).
	Model *Provenance
}

// CasesChart is CloneCasesChart of the panel.
func (p *Figure1Panel) CasesChart() *nbplot.ImageGrid {
	return CloneCasesChart(p.Label, p.H, p.W, p.C, p.Cases)
}

// Figure1ImagesResult holds the panels, the training sets skipped and the route (b) notes.
type Figure1ImagesResult struct {
	Panels         []*Figure1Panel
	Skipped, Notes []string
}

// SplitTimes returns the three split times of CloneCases for speciation time tS, collapse time
// tC and horizon T: 1.5 t_S (regime I, at most 0.9 T), √(t_C t_S) (regime II; t_S/2 when t_C is
// not below t_S) and t_C/2 (regime III; 2η when t_C is 0 or NaN).
func SplitTimes(tS, tC, T, eta float64) []float64 {
	above := min(1.5*tS, 0.9*T)
	between := tS / 2
	if tC > 0 && tC < tS {
		between = math.Sqrt(tC * tS)
	}
	below := 2 * eta
	if tC > 2*eta {
		below = tC / 2
	}
	return []float64{above, between, below}
}

// Figure1Images runs, for each training set and route, t̄_C (Collapse on Samples tracked
// trajectories), one backward strip at the poster's times, and clone pairs split in the three
// regimes (SplitTimes).
func Figure1Images(b compute.Backend, opt Figure1ImagesOptions) (*Figure1ImagesResult, error) {
	res := &Figure1ImagesResult{}
	err := eachRoute(b, opt.Specs, &res.Skipped, &res.Notes, func(e *Experiment) error {
		co, err := Collapse(e, CollapseOptions{Samples: opt.Samples, SDE: opt.SDE})
		if err != nil {
			return err
		}
		p := &Figure1Panel{Label: e.Label(), H: e.Data.H, W: e.Data.W, C: e.Data.C, TS: e.TS, TC: co.TCBar, TCErr: co.TCBarErr, Model: e.Model}
		cfg := opt.SDE
		cfg.Seed += 100
		if p.Strip, err = e.BackwardStrip(PosterTimes(), p.TC, cfg); err != nil {
			return err
		}
		in, err := e.Integrator(cfg)
		if err != nil {
			return err
		}
		cfg.Seed++
		if p.Cases, err = e.CloneCases(SplitTimes(e.TS, p.TC, in.Config().T, in.Eta()), p.TC, opt.Pairs, cfg); err != nil {
			return err
		}
		res.Panels = append(res.Panels, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// Table lists, per panel, t_S, t̄_C and the clone counts of the three split times.
func (f *Figure1ImagesResult) Table() string {
	var b strings.Builder
	b.WriteString("| model | t_S = ½ log Λ | t̄_C ± 3 s.e. | split t | regime | predicted | pairs | same class | same training image |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for _, p := range f.Panels {
		for _, c := range p.Cases {
			fmt.Fprintf(&b, "| %s | %.3f | %s ± %s | %.3f | %s | %s | %d | %d | %d |\n", p.Label, p.TS, num(p.TC), num(p.TCErr),
				c.T, c.Regime, c.Expect, c.Pairs, c.SameClass, c.SameImage)
		}
	}
	return b.String()
}

// RouteB is RouteBReport of the route (b) models of the panels and the notes.
func (f *Figure1ImagesResult) RouteB() string {
	var ps []*Provenance
	for _, p := range f.Panels {
		ps = append(ps, p.Model)
	}
	return RouteBReport(compact(ps), f.Notes)
}
