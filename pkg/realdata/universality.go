package realdata

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/gomlx/compute"

	"github.com/diffregimes/diffregimes/pkg/classifier"
	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/datasets"
	"github.com/diffregimes/diffregimes/pkg/nbplot"
	"github.com/diffregimes/diffregimes/pkg/numeric"
)

// UniversalitySpecs are the training sets of the universality chart: MNIST 1/8 (the pair that
// reproduces Table 1, Λ ≈ 7.4) and four Fashion-MNIST pairs chosen to span Λ (first channel,
// n = 2000, measured here): sandal/sneaker ≈ 7.0, bag/ankle boot ≈ 11.3, trouser/bag ≈ 27.6
// (the project's default pair) and coat/sandal ≈ 33.1. n images each (MNIST: at most the 1700
// of its training split), except nDefault for trouser/bag (0: n), so that it can match the
// training set of notebook 20's U-Net for route (b).
func UniversalitySpecs(n, nDefault int) []datasets.Spec {
	m := datasets.MNISTSpec()
	m.N = min(n, 1700)
	specs := []datasets.Spec{m}
	for _, c := range [][]string{{"Sandal", "Sneaker"}, {"Bag", "Ankle boot"}, nil, {"Coat", "Sandal"}} {
		s := datasets.DefaultSpec() // nil: its own classes, "1"/"8" (trouser/bag), as notebooks 30-33
		if c != nil {
			s.Classes = c
		}
		s.N = n
		if c == nil && nDefault > 0 {
			s.N = nDefault
		}
		specs = append(specs, s)
	}
	return specs
}

// ClassifierFunc returns the class function of a training set (for φ) and its test accuracy.
type ClassifierFunc func(b compute.Backend, spec datasets.Spec) (clone.ClassFunc, float64, error)

// UniversalityOptions configure Universality.
type UniversalityOptions struct {
	// Specs are the training sets, one curve per set and route (nil: UniversalitySpecs(500, 0)).
	Specs []datasets.Spec
	// DDPM says for which training sets a route (b) checkpoint found by MaybeDDPM may be used
	// (nil: all; MaybeDDPM takes only a model trained on exactly the set, realdata.TrainingSet).
	DDPM func(spec datasets.Spec) bool
	// ClassifierN is the number of images each classifier trains on (0: all of the pair's
	// training split; capped by it otherwise).
	ClassifierN int
	// ClassifierSteps is the number of Adam steps of each classifier (cached on disk per pair).
	ClassifierSteps int
	// Classifier, when set, replaces the trained classifier of SI D.2 (tests plug a
	// nearest-class-mean rule in here).
	Classifier ClassifierFunc
	// Speciation configures the cloning runs (Ratios, Pairs, SDE).
	Speciation SpeciationOptions
}

// UniversalityCurve is one curve of the chart: φ(t) of one training set and route, and where
// it crosses clone.SpeciationLevel in units of the predicted t_S.
type UniversalityCurve struct {
	*SpeciationResult
	// Accuracy is the test accuracy of the classifier that labels the clones.
	Accuracy float64
	// Ratio is t/t_S where φ = clone.SpeciationLevel (NaN when φ does not cross it within the ratios).
	Ratio float64
	// Lo and Hi bound Ratio by the crossings of the edges of the three-standard-error band of
	// the clone estimates: φ − 3 s.e. crosses clone.SpeciationLevel earlier (Lo), φ + 3 s.e. later (Hi).
	// NaN when that edge does not cross within the ratios.
	Lo, Hi float64
}

// Err is the half-width (Hi − Lo)/2 of the crossing's three-standard-error interval (NaN when
// an edge is open).
func (c *UniversalityCurve) Err() float64 { return (c.Hi - c.Lo) / 2 }

// NewUniversalityCurve reads the crossing of φ = clone.SpeciationLevel off a speciation result, in units
// of t/t_S (numeric.Crossing, the largest crossing, linearly interpolated), and its band.
func NewUniversalityCurve(r *SpeciationResult, accuracy float64) *UniversalityCurve {
	c := &UniversalityCurve{SpeciationResult: r, Accuracy: accuracy, Ratio: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
	x, y, e := r.Series()
	shift := func(sign float64) []float64 {
		out := make([]float64, len(y))
		for i := range y {
			out[i] = y[i] + sign*e[i]
		}
		return out
	}
	if v, err := numeric.Crossing(x, y, clone.SpeciationLevel); err == nil {
		c.Ratio = v
	}
	if v, err := numeric.Crossing(x, shift(-1), clone.SpeciationLevel); err == nil {
		c.Lo = v
	}
	if v, err := numeric.Crossing(x, shift(+1), clone.SpeciationLevel); err == nil {
		c.Hi = v
	}
	return c
}

// UniversalityResult holds the curves and the spread of their crossings.
type UniversalityResult struct {
	Curves []*UniversalityCurve
	// Skipped lists the training sets that could not be loaded, with the reason.
	Skipped []string
}

// Universality measures φ(t) at t = r·t_S (t_S = ½ log Λ of each set, eq. 4) for every
// training set of opt.Specs with route (a), and route (b) where a trained DDPM checkpoint
// exists, each with the classifier of its own class pair; it reads off where each curve
// crosses φ = 0.775. The paper's claim (main text, Figure 4): rescaled by t_S, the curves of
// very different datasets look alike.
func Universality(b compute.Backend, opt UniversalityOptions) (*UniversalityResult, error) {
	if opt.Specs == nil {
		opt.Specs = UniversalitySpecs(500, 0)
	}
	if opt.Classifier == nil {
		opt.Classifier = TrainedClassifier(opt.ClassifierN, max(opt.ClassifierSteps, 1))
	}
	res := &UniversalityResult{}
	for _, spec := range opt.Specs {
		ds, err := datasets.Load(spec)
		if err != nil {
			var me *datasets.MissingError
			if errors.As(err, &me) {
				res.Skipped = append(res.Skipped, fmt.Sprintf("%s: %v", DatasetLabel(spec), err))
				continue
			}
			return nil, err
		}
		class, acc, err := opt.Classifier(b, spec)
		if err != nil {
			return nil, fmt.Errorf("realdata: Universality %s: classifier: %w", DatasetLabel(spec), err)
		}
		e, err := NewEmpirical(b, DatasetLabel(spec), ds)
		if err != nil {
			return nil, err
		}
		exps := []*Experiment{e}
		if opt.DDPM == nil || opt.DDPM(spec) {
			eb, _, err := MaybeDDPM(b, DatasetLabel(spec), spec, ds)
			if err != nil {
				return nil, err
			}
			if eb != nil {
				exps = append(exps, eb)
			}
		}
		for _, e := range exps {
			r, err := Speciation(e, class, opt.Speciation)
			if err != nil {
				return nil, err
			}
			res.Curves = append(res.Curves, NewUniversalityCurve(r, acc))
		}
	}
	return res, nil
}

// TrainedClassifier is the default ClassifierFunc: PairClassifier's classifier and its test
// accuracy.
func TrainedClassifier(n, steps int) ClassifierFunc {
	return func(b compute.Backend, spec datasets.Spec) (clone.ClassFunc, float64, error) {
		clf, err := PairClassifier(b, spec, n, steps)
		if err != nil {
			return nil, 0, err
		}
		return ClassFunc(clf), clf.TestAccuracy, nil
	}
}

// PairClassifier is the classifier of SI D.2 for the class pair of spec, trained (or
// reloaded from its cache, classifier.Cached) on n images of the pair's training split (n = 0,
// or more than the split holds: all of it) for the given number of Adam steps.
func PairClassifier(b compute.Backend, spec datasets.Spec, n, steps int) (*classifier.Classifier, error) {
	cs := spec
	cs.N = n / len(cs.Classes) * len(cs.Classes)
	if _, err := datasets.Load(cs); err != nil || cs.N == 0 {
		// Fewer images than n (or n = 0): all of the training split.
		cs.N = 0
		all, aerr := datasets.Load(cs)
		if aerr != nil {
			return nil, aerr
		}
		if n > 0 && all.N >= n {
			return nil, err // not a shortage: the error of the first load
		}
		cs.N = all.N
	}
	return classifier.Cached(b, classifier.PairOptions{Spec: cs, Train: classifier.DefaultTrainOptions(max(steps, 1))})
}

// Spread summarises the crossings of the curves with one: the smallest and largest t/t_S,
// their mean and standard deviation, over the curves that cross (count).
func (r *UniversalityResult) Spread() (lo, hi, mean, sd float64, count int) {
	var v []float64
	for _, c := range r.Curves {
		if !math.IsNaN(c.Ratio) {
			v = append(v, c.Ratio)
		}
	}
	if len(v) == 0 {
		return math.NaN(), math.NaN(), math.NaN(), math.NaN(), 0
	}
	sort.Float64s(v)
	m, se := numeric.MeanSE(v)
	return v[0], v[len(v)-1], m, se * math.Sqrt(float64(len(v))), len(v)
}

// Chart is φ(t) against t/t_S for every curve, three-standard-error bars, with the dashed
// references φ = 0.775 and t/t_S = 1.
func (r *UniversalityResult) Chart() *nbplot.Chart {
	var series []nbplot.Series
	for _, c := range r.Curves {
		x, y, e := c.Series()
		series = append(series, nbplot.Series{Name: fmt.Sprintf("%s Λ=%.1f", c.Label, c.Lambda), X: x, Y: y, Err: e})
	}
	return nbplot.Lines("Figure 4 across datasets: φ(t) against t/t_S", "t / t_S", "φ(t)", series).
		HLine(clone.SpeciationLevel, "φ = 0.775").VLine(1, "t = t_S = ½ log Λ").YRange(0.4, 1.02)
}

// Table lists, per curve, Λ, t_S, the classifier's accuracy and t/t_S at φ = 0.775 with its
// three-standard-error interval, then the spread across curves beside the paper's, as Markdown.
func (r *UniversalityResult) Table() string {
	var b strings.Builder
	b.WriteString("| training set | route | n | Λ | t_S = ½ log Λ | classifier accuracy | t/t_S at φ = 0.775 | 3-s.e. interval | ± |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|\n")
	for _, c := range r.Curves {
		fmt.Fprintf(&b, "| %s | %s | %d | %.2f | %.3f | %.4f | %s | [%s, %s] | %s |\n", c.Label, c.Route, c.N, c.Lambda, c.TS,
			c.Accuracy, num(c.Ratio), num(c.Lo), num(c.Hi), num(c.Err()))
	}
	lo, hi, mean, sd, k := r.Spread()
	fmt.Fprintf(&b, "\nSpread of t/t_S at φ = 0.775 over %d curves: %s to %s (range %s), mean %s, s.d. %s. "+
		"The authors' trained U-Nets: 0.82 to 1.02 over five datasets (range 0.20).\n",
		k, num(lo), num(hi), num(hi-lo), num(mean), num(sd))
	for _, s := range r.Skipped {
		fmt.Fprintf(&b, "\nskipped: %s\n", s)
	}
	return b.String()
}
