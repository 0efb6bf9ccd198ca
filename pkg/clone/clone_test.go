package clone

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/score"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

func ones(d int) []float32 {
	m := make([]float32, d)
	for i := range m {
		m[i] = 1
	}
	return m
}

// φ(t) sampled with the mixture score (eq. 54) and eq. (55) must agree with eq. (6) within the
// paper's error bars (3 standard errors) at d = 32, μ̃ = σ = 1, around t_S = ½ log d.
func TestPhiMatchesEq6(t *testing.T) {
	const d, pairs = 32, 3000
	m := ones(d)
	s, _ := score.NewMixture(m, 1)
	in, err := sde.New(backend.MustDefault(), s, sde.Config{T: 6, L: 300, K: 25, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	tS := 0.5 * math.Log(d)
	var times []float64
	for _, r := range []float64{0.5, 0.8, 1.0, 1.2, 1.6} {
		times = append(times, r*tS)
	}
	res, err := Run(in, Options{Times: times, Pairs: pairs, Classes: map[string]ClassFunc{"phi": SignClass(m)}})
	if err != nil {
		t.Fatal(err)
	}
	theory := gmm.Mixture{D: d, Mu: 1, Sigma: 1}
	for i, tt := range res.Times {
		got, want := res.Same["phi"][i], theory.Phi(tt)
		// The error bar is 3 SE of the estimate; use the theory's SE when the estimate is 1.
		bar := max(got.Err, 3*math.Sqrt(want*(1-want)/pairs))
		t.Logf("t/t_S = %.2f: φ = %.4f ± %.4f, eq. (6) %.4f", tt/tS, got.P, got.Err, want)
		if math.Abs(got.P-want) > bar {
			t.Errorf("t = %.3f: φ = %.4f ± %.4f, eq. (6) gives %.4f", tt, got.P, got.Err, want)
		}
	}
	if res.Times[0] < res.Times[len(res.Times)-1] {
		t.Errorf("times not sorted decreasing: %v", res.Times)
	}
}

func TestBadInput(t *testing.T) {
	s, _ := score.NewMixture(ones(2), 1)
	in, _ := sde.New(backend.MustDefault(), s, sde.Config{T: 1, L: 10})
	cls := map[string]ClassFunc{"phi": SignClass(ones(2))}
	for _, c := range []struct {
		opt  Options
		want string
	}{
		{Options{Times: []float64{0.5}, Pairs: 0, Classes: cls}, "Pairs"},
		{Options{Pairs: 3, Classes: cls}, "Times"},
		{Options{Times: []float64{0.5}, Pairs: 3}, "Classes"},
		{Options{Times: []float64{0}, Pairs: 3, Classes: cls}, "outside"},
		{Options{Times: []float64{2}, Pairs: 3, Classes: cls}, "outside"},
		{Options{Times: []float64{0.5}, Pairs: 3, Classes: map[string]ClassFunc{"x": nil}}, "nil"},
		{Options{Times: []float64{0.5}, Pairs: 3, Classes: map[string]ClassFunc{"short": func(x []float32, b, d int) ([]int, error) { return nil, nil }}}, "returned 0 labels"},
	} {
		if _, err := Run(in, c.opt); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Run(%+v): %v, want %q", c.opt, err, c.want)
		}
	}
	if _, err := SignClass(ones(3))([]float32{1, 2}, 1, 2); err == nil {
		t.Error("SignClass accepted the wrong dimension")
	}
}

func ExampleBernoulli() {
	e := Bernoulli(7750, 10000)
	fmt.Printf("φ = %.4f ± %.4f\n", e.P, e.Err)
	// Output: φ = 0.7750 ± 0.0125
}

// With sde.Config.FinalDenoise the labels are taken on the denoised x̂(0): for the exact
// empirical score of four well-separated points every clone ends on a training point (within
// 1e-3), and two clones made at small t end on the same one (φ_C = 1). Without it, the last
// noisy step leaves x(0) at distance ~ sqrt(2ηd) = 0.57 from every training point.
func TestLabelsOnDenoisedEndPoints(t *testing.T) {
	const n, d = 4, 8
	a := make([]float32, n*d)
	for mu := range n {
		a[mu*d+2*mu], a[mu*d+2*mu+1] = 2, -2
	}
	ds, _ := score.NewDataset(a, n, d, 0)
	s, _ := score.NewEmpirical(ds)
	onPoint := func(x []float32, b, d int) ([]int, error) { // μ if |x - a_μ| < 1e-3, else -1
		out := make([]int, b)
		for i := range b {
			out[i] = -1
			for mu := range n {
				var s float64
				for j := range d {
					r := float64(x[i*d+j] - a[mu*d+j])
					s += r * r
				}
				if s < 1e-6 {
					out[i] = mu
				}
			}
		}
		return out, nil
	}
	var offPoint int
	count := func(x []float32, b, d int) ([]int, error) {
		l, err := onPoint(x, b, d)
		for _, v := range l {
			if v < 0 {
				offPoint++
			}
		}
		return l, err
	}
	for _, denoise := range []bool{true, false} {
		offPoint = 0
		in, err := sde.New(backend.MustDefault(), s, sde.Config{T: 2, L: 100, K: 20, Seed: 3, FinalDenoise: denoise})
		if err != nil {
			t.Fatal(err)
		}
		res, err := Run(in, Options{Times: []float64{1.5, 0.05}, Pairs: 200, Classes: map[string]ClassFunc{"phi_C": count}})
		if err != nil {
			t.Fatal(err)
		}
		ends := 200 * 3 // trunk and one copy per cloning time
		switch {
		case denoise && (offPoint != 0 || res.Same["phi_C"][1].P != 1):
			t.Errorf("denoised: %d of %d end points off the training set, φ_C(0.05) = %.3f (want 0 and 1)", offPoint, ends, res.Same["phi_C"][1].P)
		case !denoise && offPoint != ends:
			t.Errorf("noisy last step: %d of %d end points off the training set, want all", offPoint, ends)
		}
	}
}
