package entropy

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/score"
	"gonum.org/v1/gonum/stat"
)

// mixtureData draws n points of the mixture ±(1, ..., 1) + N(0, I) (gmm.Mixture.Rand).
func mixtureData(seed uint64, n, d int) []float32 {
	a, _, err := gmm.Mixture{D: d, Mu: 1, Sigma: 1}.Sample(n, rand.New(rand.NewPCG(seed, seed)))
	if err != nil {
		panic(err)
	}
	return a
}

// refLogP is log P^e_t(x) of eq. (57) in float64 with a two-pass log-sum-exp.
func refLogP(a []float32, n, d int, x []float64, t float64) float64 {
	e, delta := math.Exp(-t), -math.Expm1(-2*t)
	l := make([]float64, n)
	m := math.Inf(-1)
	for mu := range n {
		var s float64
		for j := range d {
			r := x[j] - e*float64(a[mu*d+j])
			s += r * r
		}
		l[mu] = -s / (2 * delta)
		m = max(m, l[mu])
	}
	var z float64
	for _, v := range l {
		z += math.Exp(v - m)
	}
	return m + math.Log(z) - math.Log(float64(n)) - float64(d)/2*math.Log(2*math.Pi*delta)
}

// The graph estimate of s^e(t) must equal a float64 Monte Carlo of eq. (56) within errors.
func TestEntropyMatchesFloat64MonteCarlo(t *testing.T) {
	const n, d = 300, 10
	a := mixtureData(1, n, d)
	ds, _ := score.NewDataset(a, n, d, 128)
	est, _ := New(backend.MustDefault(), ds, 500, 7)
	r := rand.New(rand.NewPCG(3, 3))
	for _, tt := range []float64{0.05, 0.5, 2} {
		got, err := est.Entropy(tt, 3000)
		if err != nil {
			t.Fatal(err)
		}
		var sum float64
		const m = 3000
		x := make([]float64, d)
		for range m {
			mu := r.IntN(n)
			for j := range d {
				x[j] = math.Exp(-tt)*float64(a[mu*d+j]) + math.Sqrt(-math.Expm1(-2*tt))*r.NormFloat64()
			}
			sum -= refLogP(a, n, d, x, tt) / d
		}
		want := sum / m
		if math.Abs(got.Value-want) > 1.5*got.Err+1e-3 {
			t.Errorf("t = %g: s^e = %.4f ± %.4f, float64 Monte Carlo %.4f", tt, got.Value, got.Err, want)
		}
	}
}

// Fig. 3 setting, scaled down (d = 16, n = 2000, t_C = 0.244 from eq. 10): for t > t_C the
// empirical f^e(t) follows the exact mixture curve; for t ≪ t_C it vanishes, f^e ≈ 0,
// while f(t) < 0; and its last zero is of the order of t_C.
func TestExcessEntropyFollowsTheory(t *testing.T) {
	const n, d, nPrime = 2000, 16, 4000
	ds, _ := score.NewDataset(mixtureData(2, n, d), n, d, 1024)
	est, _ := New(backend.MustDefault(), ds, 2000, 5)
	mix := gmm.Mixture{D: d, Mu: 1, Sigma: 1}
	alpha := math.Log(n) / d
	tC, _ := mix.CollapseTime(n)
	ts := []float64{0.02, 0.1, 0.2, 0.3, 0.5, 1, 2}
	var fe []Estimate
	for _, tt := range ts {
		got, err := est.Excess(tt, nPrime)
		if err != nil {
			t.Fatal(err)
		}
		fe = append(fe, got)
		want := mix.FiniteExcessEntropy(tt, n)
		t.Logf("t = %.2f: f^e/α = %.3f ± %.3f, theory f/α = %.3f", tt, got.Value/alpha, got.Err/alpha, want/alpha)
		switch {
		case tt > 1.5*tC:
			if math.Abs(got.Value-want) > got.Err+0.03*alpha {
				t.Errorf("t = %g > t_C: f^e/α = %.3f ± %.3f, theory %.3f", tt, got.Value/alpha, got.Err/alpha, want/alpha)
			}
		case tt < tC/5:
			if math.Abs(got.Value) > 0.05*alpha || want > -0.5*alpha {
				t.Errorf("t = %g ≪ t_C: f^e/α = %.3f (want ≈ 0), f/α = %.3f (want < 0)", tt, got.Value/alpha, want/alpha)
			}
		}
	}
	// At d = 16 the crossover is smooth: f^e(t_C) ≈ log(2)/d = 0.09 α (Z_1 ≈ Z_{2..n} there),
	// so the last zero within error bars lies below t_C. Its position is checked against an
	// independent computation: the same estimator written as plain float64 loops (refLogP) on
	// its own sample stream. At every t the two f^e agree within 3 combined standard errors, and
	// so do their zeros, with the error of a zero propagated through the slope of f^e − err.
	ref := refExcess(t, ds, ts, nPrime)
	for i, tt := range ts {
		if se := math.Hypot(fe[i].Err, ref[i].Err); math.Abs(fe[i].Value-ref[i].Value) > 3*se {
			t.Errorf("t = %g: f^e/α = %.4f ± %.4f, float64 loops %.4f ± %.4f", tt, fe[i].Value/alpha, fe[i].Err/alpha, ref[i].Value/alpha, ref[i].Err/alpha)
		}
	}
	got, ok := CollapseTime(ts, fe)
	want, okRef := CollapseTime(ts, ref)
	if !ok || !okRef {
		t.Fatalf("no zero of f^e: graph ok=%v, float64 loops ok=%v", ok, okRef)
	}
	se := zeroError(ts, fe, got, ref)
	t.Logf("zero of f^e at %.3f, float64 loops %.3f ± %.3f (3 s.e. allowed), eq. (10) t_C = %.3f", got, want, se, tC)
	if math.Abs(got-want) > 3*se {
		t.Errorf("zero of f^e at %.3f, float64 loops at %.3f: differ by more than 3 s.e. = %.3f", got, want, 3*se)
	}
}

// refExcess is f^e(t) = s^sep(t) − s^e(t) at each of ts from nPrime float64 samples of eq.
// (56) (refLogP), with its standard error: the independent computation of Excess.
func refExcess(t *testing.T, ds *score.Dataset, ts []float64, nPrime int) []Estimate {
	t.Helper()
	n, d := ds.N(), ds.Dim()
	a := ds.Flat()
	r := rand.New(rand.NewPCG(11, 11))
	x := make([]float64, d)
	out := make([]Estimate, len(ts))
	for i, tt := range ts {
		v := make([]float64, nPrime)
		for k := range v {
			mu := r.IntN(n)
			for j := range d {
				x[j] = math.Exp(-tt)*float64(a[mu*d+j]) + math.Sqrt(-math.Expm1(-2*tt))*r.NormFloat64()
			}
			v[k] = -refLogP(a, n, d, x, tt) / float64(d)
		}
		m, sd := stat.MeanStdDev(v, nil)
		out[i] = Estimate{Value: gmm.SeparatedEntropy(tt, n, d) - m, Err: sd / math.Sqrt(float64(nPrime))}
	}
	return out
}

// zeroError is the standard error of the difference of two zeros of f^e − err read at time
// t0 (CollapseTime): the combined standard error of the two series at the interval holding
// t0, divided by the slope of fe − err there.
func zeroError(ts []float64, fe []Estimate, t0 float64, ref []Estimate) float64 {
	for i := 1; i < len(ts); i++ {
		if t0 < ts[i-1] || t0 > ts[i] {
			continue
		}
		slope := ((fe[i].Value - fe[i].Err) - (fe[i-1].Value - fe[i-1].Err)) / (ts[i] - ts[i-1])
		se := math.Hypot(max(fe[i].Err, fe[i-1].Err), max(ref[i].Err, ref[i-1].Err))
		return se / math.Abs(slope)
	}
	return math.NaN()
}

// twoPointExcess is f^e(t) for the two points ±m in closed form: with κ = e^{-t}|m|/sqrt(Δ_t),
// f^e = (1/d) E_z log(1 + exp(-2κ² - 2κz)), z ~ N(0, 1), by quadrature.
func twoPointExcess(t, m2 float64, d int) float64 {
	kappa := math.Exp(-t) * math.Sqrt(m2) / math.Sqrt(-math.Expm1(-2*t))
	const lo, hi, steps = -12.0, 12.0, 24000
	h := (hi - lo) / steps
	var s float64
	for i := 0; i <= steps; i++ {
		z := lo + float64(i)*h
		u := -2*kappa*kappa - 2*kappa*z
		l := u // log1p(e^u), stable for both signs
		if u < 30 {
			l = math.Log1p(math.Exp(u))
		}
		w := h
		if i == 0 || i == steps {
			w = h / 2
		}
		s += w * l * math.Exp(-z*z/2) / math.Sqrt(2*math.Pi)
	}
	return s / float64(d)
}

// The control-variate estimator of f^e (ExcessCV) against the closed form for two points ±m,
// and against the plain estimator of eqs. (56-57) (Excess) from independent samples: they
// agree within the error bars, and the control variate's bar is the smaller.
func TestExcessCVClosedFormAndPlainEstimator(t *testing.T) {
	const d = 16
	a := make([]float32, 2*d)
	m2 := 0.0
	for j := range d {
		v := 0.3 * float64(1+j%3)
		a[j], a[d+j] = float32(v), float32(-v)
		m2 += v * v
	}
	ds, _ := score.NewDataset(a, 2, d, 0)
	est, err := New(backend.MustDefault(), ds, 1000, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []float64{0.05, 0.3, 0.8, 1.5, 3} {
		want := twoPointExcess(tt, m2, d)
		cv, err := est.ExcessCV(tt, 4000)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(cv.Value-want) > cv.Err+1e-4 {
			t.Errorf("t=%g: f^e = %.5f ± %.5f, closed form %.5f", tt, cv.Value, cv.Err, want)
		}
		p, err := est.Excess(tt, 4000)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(p.Value-cv.Value) > p.Err+cv.Err {
			t.Errorf("t=%g: plain estimator %.5f ± %.5f vs control variate %.5f ± %.5f", tt, p.Value, p.Err, cv.Value, cv.Err)
		}
		if cv.Err > p.Err {
			t.Errorf("t=%g: control variate error %.5f is not below the plain one %.5f", tt, cv.Err, p.Err)
		}
	}
	// Large t: f^e -> log(n)/d = α.
	alpha := math.Log(2) / d
	if f, _ := est.ExcessCV(8, 500); math.Abs(f.Value/alpha-1) > 0.01 {
		t.Errorf("f^e(8)/α = %g, want 1", f.Value/alpha)
	}
}

// In the Fig. 3 setting of TestExcessEntropyFollowsTheory, the two estimators agree within
// their error bars at every time, and the control variate vanishes (to float32 rounding)
// well below t_C, where each of its terms is log(1 + ~0).
func TestExcessCVMatchesPlainOnMixture(t *testing.T) {
	const n, d, nPrime = 500, 16, 2000
	ds, _ := score.NewDataset(mixtureData(4, n, d), n, d, 256)
	est, _ := New(backend.MustDefault(), ds, 1000, 6)
	alpha := math.Log(n) / d
	for _, tt := range []float64{0.01, 0.2, 0.5, 2} {
		p, err := est.Excess(tt, nPrime)
		if err != nil {
			t.Fatal(err)
		}
		cv, err := est.ExcessCV(tt, nPrime)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("t = %.2f: f^e/α plain %.4f ± %.4f, control variate %.4f ± %.4f", tt, p.Value/alpha, p.Err/alpha, cv.Value/alpha, cv.Err/alpha)
		if math.Abs(p.Value-cv.Value) > p.Err+cv.Err {
			t.Errorf("t=%g: plain %.5f ± %.5f vs control variate %.5f ± %.5f", tt, p.Value, p.Err, cv.Value, cv.Err)
		}
		if cv.Value < 0 || cv.Err > p.Err {
			t.Errorf("t=%g: control variate %.5f ± %.5f (want >= 0, error below the plain %.5f)", tt, cv.Value, cv.Err, p.Err)
		}
		if tt == 0.01 && cv.Value > 1e-3*alpha {
			t.Errorf("t=%g ≪ t_C: control-variate f^e/α = %.2g, want ~0", tt, cv.Value/alpha)
		}
	}
}

// CollapseTimeAt reads known curves at a level; with Err = 0 it is the crossing of the values,
// with error bars it is where the lower bar reaches the level, and level 0 is CollapseTime.
func TestCollapseTimeAt(t *testing.T) {
	var ts []float64
	var fa, withErr []Estimate
	for i := range 61 {
		tt := 3 - 0.05*float64(i)
		ts = append(ts, tt)
		fa = append(fa, Estimate{Value: 1 - math.Exp(-tt)}) // reaches 0.1 at t = -log 0.9
		withErr = append(withErr, Estimate{Value: 1 - math.Exp(-tt), Err: 0.05})
	}
	if got, ok := CollapseTimeAt(ts, fa, 0.1); !ok || math.Abs(got+math.Log(0.9)) > 2e-3 {
		t.Errorf("CollapseTimeAt = %g (%v), want %g", got, ok, -math.Log(0.9))
	}
	if got, ok := CollapseTimeAt(ts, withErr, 0.1); !ok || math.Abs(got+math.Log(0.85)) > 2e-3 {
		t.Errorf("CollapseTimeAt with error bars = %g (%v), want %g", got, ok, -math.Log(0.85))
	}
	a, okA := CollapseTimeAt(ts, withErr, 0)
	b, okB := CollapseTime(ts, withErr)
	if a != b || okA != okB || math.Abs(a+math.Log(0.95)) > 2e-3 {
		t.Errorf("CollapseTime = %g, CollapseTimeAt(0) = %g, want %g", b, a, -math.Log(0.95))
	}
	if _, ok := CollapseTimeAt(ts, fa, 1.5); ok {
		t.Error("CollapseTimeAt found a level the curve never reaches")
	}
	if _, ok := CollapseTimeAt(ts, fa[:3], 0.1); ok {
		t.Error("CollapseTimeAt accepted len(ts) != len(fe)")
	}
}

func TestBadInput(t *testing.T) {
	ds, _ := score.NewDataset(mixtureData(1, 4, 2), 4, 2, 0)
	est, _ := New(backend.MustDefault(), ds, 0, 1)
	if _, err := est.Entropy(0, 10); err == nil || !strings.Contains(err.Error(), "t must be") {
		t.Errorf("t = 0: %v", err)
	}
	if _, err := est.Entropy(1, 1); err == nil || !strings.Contains(err.Error(), "n'") {
		t.Errorf("n' = 1: %v", err)
	}
	if _, err := est.ExcessCV(0, 10); err == nil || !strings.Contains(err.Error(), "t must be") {
		t.Errorf("ExcessCV at t = 0: %v", err)
	}
	if _, err := est.ExcessCV(1, 1); err == nil || !strings.Contains(err.Error(), "n' must be >= 2") {
		t.Errorf("ExcessCV with n' = 1: %v", err)
	}
	if _, err := New(backend.MustDefault(), nil, 0, 1); err == nil {
		t.Error("nil dataset accepted")
	}
}

func ExampleCollapseTime() {
	fe := []Estimate{{0.001, 0.002}, {0.012, 0.002}, {0.05, 0.002}}
	tC, ok := CollapseTime([]float64{0.1, 0.3, 0.5}, fe)
	fmt.Printf("%.3f %v\n", tC, ok)
	// Output: 0.118 true
}
