package spectrum

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// spiked returns n points in d dims: two clusters at ±m·e (|m e|² = spike) plus unit-variance
// noise of scale s, as float32 row-major.
func spiked(n, d int, spike, s float64, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 9))
	e := make([]float64, d)
	for i := range e {
		e[i] = rng.NormFloat64()
	}
	floats.Scale(math.Sqrt(spike)/floats.Norm(e, 2), e)
	x := make([]float32, n*d)
	for mu := 0; mu < n; mu++ {
		sign := float64(1 - 2*(mu%2))
		for i := 0; i < d; i++ {
			x[mu*d+i] = float32(sign*e[i] + s*rng.NormFloat64())
		}
	}
	return x
}

// denseTop returns the k largest eigenvalues and vectors of a symmetric matrix (gonum).
func denseTop(s mat.Symmetric, k int) ([]float64, [][]float64) {
	var es mat.EigenSym
	es.Factorize(s, true)
	v := es.Values(nil)
	var V mat.Dense
	es.VectorsTo(&V)
	n := len(v)
	vals := make([]float64, k)
	vecs := make([][]float64, k)
	for i := 0; i < k; i++ {
		vals[i] = v[n-1-i]
		vecs[i] = mat.Col(nil, n-1-i, &V)
	}
	return vals, vecs
}

func TestLanczosMatchesDense(t *testing.T) {
	n, d, k := 400, 80, 10
	x := spiked(n, d, 30, 1, 1)
	c, err := NewCovariance(x, n, d)
	if err != nil {
		t.Fatal(err)
	}
	// Independent dense covariance from plain loops.
	dense := mat.NewSymDense(d, nil)
	mean := make([]float64, d)
	for mu := 0; mu < n; mu++ {
		for i := 0; i < d; i++ {
			mean[i] += float64(x[mu*d+i]) / float64(n)
		}
	}
	for i := 0; i < d; i++ {
		for j := i; j < d; j++ {
			var s float64
			for mu := 0; mu < n; mu++ {
				s += (float64(x[mu*d+i]) - mean[i]) * (float64(x[mu*d+j]) - mean[j])
			}
			dense.SetSym(i, j, s/float64(n-1))
		}
	}
	if !mat.EqualApprox(dense, c.Dense(), 1e-10) {
		t.Fatal("Covariance.Dense differs from plain loops")
	}
	v := make([]float64, d)
	for i := range v {
		v[i] = math.Sin(float64(i))
	}
	got := make([]float64, d)
	c.MulVec(got, v)
	want := mat.NewVecDense(d, nil)
	want.MulVec(dense, mat.NewVecDense(d, v))
	if !floats.EqualApprox(got, want.RawVector().Data, 1e-10) {
		t.Fatal("MulVec differs from dense product")
	}
	sp, err := c.Top(k)
	if err != nil {
		t.Fatal(err)
	}
	vals, vecs := denseTop(dense, k)
	for i := 0; i < k; i++ {
		if math.Abs(sp.Values[i]-vals[i]) > 1e-8*vals[0] {
			t.Fatalf("eigenvalue %d: Lanczos %v, dense %v", i, sp.Values[i], vals[i])
		}
	}
	// The well-separated top vector agrees up to sign.
	if dot := math.Abs(floats.Dot(sp.Vectors[0], vecs[0])); math.Abs(dot-1) > 1e-8 {
		t.Fatalf("top eigenvector overlap %v", dot)
	}
	if math.Abs(c.Trace()-mat.Trace(dense)) > 1e-9*mat.Trace(dense) {
		t.Fatal("trace")
	}
	// Same seed, same numbers.
	sp2, _ := c.Top(k)
	if !floats.Equal(sp.Values, sp2.Values) || !floats.Equal(sp.Vectors[3], sp2.Vectors[3]) {
		t.Fatal("Lanczos not reproducible")
	}
}

// gramTop computes the top eigenvalues of the covariance through the n×n Gram matrix of the
// centred data (same non-zero spectrum): an independent route when n < d.
func gramTop(x []float32, n, d, k int) []float64 {
	mean := make([]float64, d)
	for mu := 0; mu < n; mu++ {
		for i := 0; i < d; i++ {
			mean[i] += float64(x[mu*d+i]) / float64(n)
		}
	}
	g := mat.NewSymDense(n, nil)
	for a := 0; a < n; a++ {
		for b := a; b < n; b++ {
			var s float64
			for i := 0; i < d; i++ {
				s += (float64(x[a*d+i]) - mean[i]) * (float64(x[b*d+i]) - mean[i])
			}
			g.SetSym(a, b, s/float64(n-1))
		}
	}
	v, _ := denseTop(g, k)
	return v
}

func TestLanczosHighDimension(t *testing.T) {
	// d = 12288 (LSUN 64×64×3) with n = 40 < d: rank n-1 = 39.
	n, d := 40, 12288
	x := spiked(n, d, 5000, 0.5, 2)
	c, err := NewCovariance(x, n, d)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := c.Top(45)
	if err != nil {
		t.Fatal(err)
	}
	want := gramTop(x, n, d, 40)
	for i := 0; i < 39; i++ {
		if math.Abs(sp.Values[i]-want[i]) > 1e-7*want[0] {
			t.Fatalf("eigenvalue %d: %v vs Gram %v", i, sp.Values[i], want[i])
		}
	}
	for i := 39; i < 45; i++ {
		if math.Abs(sp.Values[i]) > 1e-8*want[0] {
			t.Fatalf("eigenvalue %d beyond the rank is %v, want 0", i, sp.Values[i])
		}
	}
	for _, v := range sp.Vectors {
		if bad := firstNonFinite(v); bad >= 0 {
			t.Fatal("non-finite eigenvector")
		}
	}
	ts, _ := TS(sp.Values[0])
	if math.IsNaN(ts) || math.Abs(ts-0.5*math.Log(want[0])) > 1e-9 {
		t.Fatalf("t_S = %v", ts)
	}
}

func TestTSTable1(t *testing.T) {
	// Table 1: Λ and t_S = 1/2 log Λ (eq. 4) as printed, two decimals.
	for _, r := range [][2]float64{{7.66, 1.02}, {16.72, 1.41}, {3.05, 0.56}, {12.11, 1.25}, {60.52, 2.05}} {
		ts, err := TS(r[0])
		if err != nil || math.Abs(ts-r[1]) > 0.005 {
			t.Errorf("TS(%v) = %v, Table 1 says %v", r[0], ts, r[1])
		}
	}
	for _, bad := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		if _, err := TS(bad); err == nil {
			t.Errorf("TS(%v) gave no error", bad)
		}
	}
}

func TestBadInput(t *testing.T) {
	if _, err := NewCovariance(make([]float32, 5), 1, 5); err == nil {
		t.Fatal("n=1 accepted")
	}
	if _, err := NewCovariance(make([]float32, 5), 2, 3); err == nil {
		t.Fatal("wrong length accepted")
	}
	x := make([]float32, 6)
	x[4] = float32(math.NaN())
	if _, err := NewCovariance(x, 2, 3); err == nil {
		t.Fatal("NaN accepted")
	}
	c, _ := NewCovariance(make([]float32, 6), 2, 3)
	if _, err := c.Top(4); err == nil {
		t.Fatal("k > d accepted")
	}
	if _, err := NewNoised(c, -1); err == nil {
		t.Fatal("t < 0 accepted")
	}
	if _, err := NewWeightedCovariance(make([]float32, 6), 2, 3, []float64{math.Inf(-1), math.Inf(-1)}); err == nil {
		t.Fatal("all-zero weights accepted")
	}
	l := &Landau{X: make([]float32, 6), N: 2, D: 3}
	if _, err := l.MinEigenvalue(0); err == nil {
		t.Fatal("t = 0 accepted")
	}
}

func TestNoisedCovariance(t *testing.T) {
	n, d := 300, 50
	x := spiked(n, d, 20, 1, 3)
	c0, _ := NewCovariance(x, n, d)
	top0, _ := c0.Top(3)
	for _, tt := range []float64{1e-8, 0.3, 1, 4} {
		nc, err := NewNoised(c0, tt)
		if err != nil {
			t.Fatal(err)
		}
		sp, err := Lanczos(nc, 3)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			if w := NoisedEigenvalue(top0.Values[i], tt); math.Abs(sp.Values[i]-w) > 1e-9*w {
				t.Fatalf("t=%v eigenvalue %d: %v vs λe^{-2t}+Δ = %v", tt, i, sp.Values[i], w)
			}
		}
	}
	// Monte Carlo: noise the data by the forward process (eq. 2) many times; the sample
	// covariance's top eigenvalue approaches Λ e^{-2t} + Δ_t (eq. 11).
	const tt, reps = 0.4, 40
	xr := make([]float32, 0, reps*len(x))
	for r := 0; r < reps; r++ {
		xr = append(xr, x...)
	}
	got, err := ForwardNoisedLambda(xr, reps*n, d, tt, 5)
	if err != nil {
		t.Fatal(err)
	}
	want := NoisedEigenvalue(top0.Values[0], tt)
	if math.Abs(got-want) > 0.03*want {
		t.Fatalf("Monte Carlo top eigenvalue %v, eq. (11) %v", got, want)
	}
	again, _ := ForwardNoisedLambda(xr, reps*n, d, tt, 5)
	if again != got {
		t.Fatal("ForwardNoisedLambda not reproducible for a fixed seed")
	}
}

func TestWeightedCovariance(t *testing.T) {
	n, d := 60, 8
	x := spiked(n, d, 10, 1, 4)
	c, _ := NewCovariance(x, n, d)
	// Uniform weights, shifted by a huge constant: biased covariance (n-1)/n C0.
	logW := make([]float64, n)
	for i := range logW {
		logW[i] = 700
	}
	cw, err := NewWeightedCovariance(x, n, d, logW)
	if err != nil {
		t.Fatal(err)
	}
	a, b := mat.NewSymDense(d, nil), mat.NewSymDense(d, nil)
	a.ScaleSym(float64(n-1)/float64(n), c.Dense())
	b.CopySym(cw.Dense())
	if !mat.EqualApprox(a, b, 1e-10) {
		t.Fatalf("uniform weighted covariance != (n-1)/n C0: %v vs %v", a.At(0, 0), b.At(0, 0))
	}
	// Weight only the first 10 points (others -1e4 below): covariance of that subset.
	for i := range logW {
		logW[i] = -1e4
		if i < 10 {
			logW[i] = 3
		}
	}
	cw, _ = NewWeightedCovariance(x, n, d, logW)
	sub, _ := NewCovariance(x[:10*d], 10, d)
	a.ScaleSym(9.0/10, sub.Dense())
	if !mat.EqualApprox(a, cw.Dense(), 1e-10) {
		t.Fatal("weighted covariance does not select the subset")
	}
}

func TestLandau(t *testing.T) {
	n, d := 200, 30
	x := spiked(n, d, 12, 0.7, 6)
	c, _ := NewCovariance(x, n, d)
	lam, _ := c.Lambda()
	plain := &Landau{X: x, N: n, D: d}
	tl, err := plain.Time(0.05, 5, 50)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := LandauTime(lam)
	if math.Abs(tl-want) > 1e-7 || math.Abs(want-0.5*math.Log(1+lam)) > 1e-15 {
		t.Fatalf("Landau crossing %v, 1/2 log(1+Λ) = %v", tl, want)
	}
	printed := &Landau{X: x, N: n, D: d, AsPrinted: true}
	tp, _ := printed.Time(0.05, 5, 50)
	ts, _ := TS(lam)
	if math.Abs(tp-ts) > 1e-7 {
		t.Fatalf("printed eq. (16) crossing %v, t_S = %v", tp, ts)
	}
	// The 1/Δ_t belongs in eq. (16): eq. (15) is the Taylor expansion of log P_t at x = 0, so
	// v^T M v / Δ_t must equal minus the exact second derivative of the empirical
	// log P_t(x) = log Σ_μ exp(-|x - a_μ e^{-t}|²/(2Δ_t)) + const at x = 0 along the principal
	// direction v of the effective covariance (finite differences, independent of Landau).
	eff0 := &Landau{X: x, N: n, D: d, Effective: true}
	effPrinted := &Landau{X: x, N: n, D: d, Effective: true, AsPrinted: true}
	for _, tt := range []float64{0.5, 1.5, 3} {
		dl := delta(tt)
		cw, _ := eff0.covarianceAt(tt)
		top, _ := cw.Top(1)
		v := top.Vectors[0]
		logP := func(h float64) float64 {
			terms := make([]float64, n)
			for mu := 0; mu < n; mu++ {
				var s2 float64
				for i := 0; i < d; i++ {
					r := h*v[i] - float64(x[mu*d+i])*math.Exp(-tt)
					s2 += r * r
				}
				terms[mu] = -s2 / (2 * dl)
			}
			return LogSumExp(terms)
		}
		h := 1e-3
		curv := -(logP(h) - 2*logP(0) + logP(-h)) / (h * h) * dl
		m, _ := eff0.MinEigenvalue(tt)
		mp, _ := effPrinted.MinEigenvalue(tt)
		if math.Abs(m-curv) > 1e-4*math.Max(1, math.Abs(curv)) {
			t.Fatalf("t=%v: M with 1/Δ_t gives %v, exact curvature %v", tt, m, curv)
		}
		if math.Abs(mp-curv) < 10*math.Abs(m-curv) {
			t.Fatalf("t=%v: printed M %v unexpectedly as close to the curvature %v", tt, mp, curv)
		}
	}
	// Effective measure (eq. 14): on data of constant norm the reweighting is uniform, so M's
	// smallest eigenvalue is 1 - (e^{-2t}/Δ_t)(n-1)/n Λ.
	sphere := make([]float32, len(x))
	for mu := 0; mu < n; mu++ {
		row := x[mu*d : (mu+1)*d]
		var s float64
		for _, v := range row {
			s += float64(v) * float64(v)
		}
		for i, v := range row {
			sphere[mu*d+i] = float32(float64(v) * 5 / math.Sqrt(s))
		}
	}
	cs, _ := NewCovariance(sphere, n, d)
	ls, _ := cs.Lambda()
	eff := &Landau{X: sphere, N: n, D: d, Effective: true}
	for _, tt := range []float64{0.2, 1, 3} {
		got, err := eff.MinEigenvalue(tt)
		if err != nil {
			t.Fatal(err)
		}
		w := 1 - math.Exp(-2*tt)/delta(tt)*float64(n-1)/float64(n)*ls
		if math.Abs(got-w) > 1e-6*math.Abs(w)+1e-9 {
			t.Fatalf("effective M at t=%v: %v, want %v", tt, got, w)
		}
	}
	// Small t and d = 12288: the weights exp(-|a|² e^{-2t}/2Δ_t) span thousands of e-folds;
	// log-sum-exp keeps everything finite.
	big := spiked(20, 12288, 100, 1, 7)
	hi := &Landau{X: big, N: 20, D: 12288, Effective: true}
	for _, tt := range []float64{1e-6, 1e-3, 0.5} {
		v, err := hi.MinEigenvalue(tt)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("t=%v: %v %v", tt, v, err)
		}
	}
	teff, err := (&Landau{X: x, N: n, D: d, Effective: true}).Time(0.05, 5, 50)
	if err != nil || !(teff > 0 && teff < 5) {
		t.Fatalf("effective Landau time %v %v", teff, err)
	}
	t.Logf("Λ=%.4f  t_S=%.4f  Landau(plain)=%.4f  Landau(effective)=%.4f", lam, ts, tl, teff)
}

func ExampleTS() {
	// Table 1 of the paper: t_S = 1/2 log Λ (eq. 4).
	for _, r := range []struct {
		name   string
		lambda float64
	}{{"MNIST", 7.66}, {"CIFAR", 16.72}, {"ImageNet16", 3.05}, {"ImageNet32", 12.11}, {"LSUN", 60.52}} {
		ts, _ := TS(r.lambda)
		fmt.Printf("%-10s Λ=%6.2f  t_S=%.2f\n", r.name, r.lambda, ts)
	}
	// Output:
	// MNIST      Λ=  7.66  t_S=1.02
	// CIFAR      Λ= 16.72  t_S=1.41
	// ImageNet16 Λ=  3.05  t_S=0.56
	// ImageNet32 Λ= 12.11  t_S=1.25
	// LSUN       Λ= 60.52  t_S=2.05
}

func ExampleCovariance_Lambda() {
	// Two points ±(3, 4): the covariance (1/(n-1)) is 2·(3,4)(3,4)^T, so Λ = 2·25 = 50 and the
	// principal component is (0.6, 0.8).
	c, _ := NewCovariance([]float32{3, 4, -3, -4}, 2, 2)
	sp, _ := c.Top(1)
	fmt.Printf("Λ=%.4f pc=(%.2f, %.2f)\n", sp.Values[0], sp.Vectors[0][0], sp.Vectors[0][1])
	// Output:
	// Λ=50.0000 pc=(0.60, 0.80)
}

func TestSampleTopEigenvalue(t *testing.T) {
	// Isotropic unit noise in d = 1600, n = 8000, with and without a spike of variance 3 along e_0.
	// The spike's sample eigenvalue fluctuates by ≈ ℓ sqrt(2/n) ≈ 0.05; the correction is 0.3.
	n, d := 8000, 1600
	rng := rand.New(rand.NewPCG(11, 11))
	for _, ell := range []float64{1, 3} {
		x := make([]float32, n*d)
		for i := range x {
			x[i] = float32(rng.NormFloat64())
			if i%d == 0 {
				x[i] *= float32(math.Sqrt(ell))
			}
		}
		c, _ := NewCovariance(x, n, d)
		got, _ := c.Lambda()
		want, err := SampleTopEigenvalue(ell, 1, n, d)
		t.Logf("ℓ=%v: sample top %.4f, predicted %.4f", ell, got, want)
		if err != nil {
			t.Fatal(err)
		}
		if tol := 4 * ell * math.Sqrt(2/float64(n)); math.Abs(got-want) > tol {
			t.Fatalf("ℓ=%v: sample top %v, predicted %v (tol %v)", ell, got, want, tol)
		}
	}
	if _, err := SampleTopEigenvalue(2, 0, 10, 10); err == nil {
		t.Fatal("σ² = 0 accepted")
	}
}
