package hier

import (
	"math"
	"strings"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/ou"
	"github.com/diffregimes/diffregimes/pkg/score"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

// means returns orthogonal m₁ = μ̃₁ (1, ..., 1) and m₂ = μ̃₂ (1, −1, 1, −1, ...) in even d,
// so that |m_i|² = d μ̃_i².
func means(d int, mu1, mu2 float64) (m1, m2 []float32) {
	m1, m2 = make([]float32, d), make([]float32, d)
	for i := range d {
		m1[i] = float32(mu1)
		m2[i] = float32(mu2 * float64(1-2*(i%2)))
	}
	return m1, m2
}

func TestRefusals(t *testing.T) {
	m1, m2 := means(8, 1, 0.5)
	skew := append([]float32(nil), m2...)
	skew[0] += 0.1 // m₁·m₂ = 0.1: not orthogonal
	for _, c := range []struct {
		m1, m2 []float32
		sigma  float64
		want   string
	}{
		{m1, skew, 1, "orthogonal"},
		{m2, m1, 1, "coarse"},
		{m1, m2[:4], 1, "same dimension"},
		{nil, nil, 1, "empty"},
		{m1, make([]float32, 8), 1, "> 0"},
		{m1, m2, 0, "sigma"},
		{m1, []float32{float32(math.NaN()), 0, 0, 0, 0, 0, 0, 0}, 1, "finite"},
	} {
		if _, err := NewMixture(c.m1, c.m2, c.sigma); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewMixture(%v, %v, %g): got %v, want an error mentioning %q", c.m1, c.m2, c.sigma, err, c.want)
		}
	}
	if _, err := NewMixture(m1, m2, 1); err != nil {
		t.Fatal(err)
	}
}

// The graph score of eq. (H2) against a plain-Go log-sum-exp over the four clusters (eq. H1
// without the factorisation): F = Σ_k w_k (e^{−t} c_k − x)/Γ_t, w = softmax of the log
// Gaussian densities.
func TestScoreMatchesFourClusterSum(t *testing.T) {
	const d = 6
	m1, m2 := means(d, 1.2, 0.7)
	mix, err := NewMixture(m1, m2, 0.8)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := score.NewEvaluator(backend.MustDefault(), mix)
	if err != nil {
		t.Fatal(err)
	}
	r := gmm.NewRand(4)
	x := make([]float32, 5*d)
	for i := range x {
		x[i] = float32(2 * r.NormFloat64())
	}
	for _, tt := range []float64{0.05, 0.4, 1.5, 4} {
		f, err := ev.Eval(x, tt)
		if err != nil {
			t.Fatal(err)
		}
		e, g := math.Exp(-tt), ou.Gamma(tt, 0.8)
		for b := range 5 {
			xb := x[b*d : (b+1)*d]
			var logw [4]float64
			var centres [4][]float64
			for k, s := range [4][2]float64{{1, 1}, {1, -1}, {-1, 1}, {-1, -1}} {
				c := make([]float64, d)
				var r2 float64
				for j := range d {
					c[j] = e * (s[0]*float64(m1[j]) + s[1]*float64(m2[j]))
					r2 += (float64(xb[j]) - c[j]) * (float64(xb[j]) - c[j])
				}
				centres[k], logw[k] = c, -r2/(2*g)
			}
			mx := math.Max(math.Max(logw[0], logw[1]), math.Max(logw[2], logw[3]))
			var z float64
			for k := range 4 {
				z += math.Exp(logw[k] - mx)
			}
			for j := range d {
				var want float64
				for k := range 4 {
					want += math.Exp(logw[k]-mx) / z * (centres[k][j] - float64(xb[j])) / g
				}
				if got := float64(f[b*d+j]); math.Abs(got-want) > 1e-4*(1+math.Abs(want)) {
					t.Fatalf("t = %g, point %d, coordinate %d: F = %.6g, four-cluster sum %.6g", tt, b, j, got, want)
				}
			}
		}
	}
}

// The projections separate (eq. H3): F·m₁/|m₁| depends on x only through q₁ = x·m₁/|m₁| —
// moving x along m₂ or orthogonally to both leaves it unchanged — and it equals the
// projected score of the two-cluster mixture with μ̃₁, −q/Γ + (|m₁|e^{−t}/Γ) tanh(|m₁|e^{−t}q/Γ).
func TestProjectionsSeparate(t *testing.T) {
	const d = 8
	m1, m2 := means(d, 1, 0.6)
	mix, _ := NewMixture(m1, m2, 1)
	ev, err := score.NewEvaluator(backend.MustDefault(), mix)
	if err != nil {
		t.Fatal(err)
	}
	// x, x + 1.7 m₂, x + a vector orthogonal to both, x + 1.3 m₁
	x := []float32{0.3, -0.2, 0.5, 0.1, -0.4, 0.2, 0.0, 0.6}
	o := []float32{1, 1, -1, -1, 0, 0, 0, 0}
	var pts []float32
	for _, sh := range []struct {
		c float32
		v []float32
	}{{0, o}, {1.7, m2}, {1, o}, {1.3, m1}} {
		for j := range d {
			pts = append(pts, x[j]+sh.c*sh.v[j])
		}
	}
	for _, dir := range []struct {
		name string
		m    []float32
	}{{"coarse", m1}, {"fine", m2}} {
		n := norm(dir.m)
		proj := func(v []float32) float64 {
			var s float64
			for j := range d {
				s += float64(v[j]) * float64(dir.m[j]) / n
			}
			return s
		}
		for _, tt := range []float64{0.2, 1, 3} {
			f, err := ev.Eval(pts, tt)
			if err != nil {
				t.Fatal(err)
			}
			e, g := math.Exp(-tt), ou.Gamma(tt, 1)
			for p := range 4 {
				q := proj(pts[p*d : (p+1)*d])
				want := -q/g + n*e/g*math.Tanh(n*e*q/g)
				if got := proj(f[p*d : (p+1)*d]); math.Abs(got-want) > 1e-4*(1+math.Abs(want)) {
					t.Errorf("%s, t = %g, point %d: projected score %.6f, two-cluster score of its q %.6f", dir.name, tt, p, got, want)
				}
			}
		}
	}
}

// φ_coarse, φ_fine and φ_cluster = φ_coarse φ_fine (eq. H3) against the cloning protocol run
// with the exact four-cluster score in d dimensions (SDE of eq. 3, eq. 55), within 3 s.e.
func TestPhiAgainstCloning(t *testing.T) {
	for _, d := range []int{16, 64} {
		const pairs = 2000
		m1, m2 := means(d, 1, 0.5)
		mix, err := NewMixture(m1, m2, 1)
		if err != nil {
			t.Fatal(err)
		}
		in, err := sde.New(backend.MustDefault(), mix, sde.Config{T: 6, L: 300, K: 25, Seed: int64(d)})
		if err != nil {
			t.Fatal(err)
		}
		tc, tf := mix.SpeciationTimes()
		res, err := clone.Run(in, clone.Options{Times: []float64{0.4 * tf, tf, tc, 1.8 * tc}, Pairs: pairs,
			Classes: map[string]clone.ClassFunc{"coarse": mix.CoarseClass(), "fine": mix.FineClass(), "cluster": mix.ClusterClass()}})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("d = %d: t_S coarse = %.3f, fine = %.3f", d, tc, tf)
		for i, tt := range res.Times {
			for _, c := range []struct {
				name string
				want float64
			}{{"coarse", mix.PhiCoarse(tt)}, {"fine", mix.PhiFine(tt)}, {"cluster", mix.PhiCluster(tt)}} {
				got := res.Same[c.name][i]
				bar := max(got.Err, 3*math.Sqrt(c.want*(1-c.want)/pairs))
				t.Logf("  t = %.3f: φ_%s = %.4f ± %.4f (3 s.e.), closed form %.4f", tt, c.name, got.P, got.Err, c.want)
				if math.Abs(got.P-c.want) > bar {
					t.Errorf("d = %d, t = %.3f: φ_%s = %.4f ± %.4f, closed form %.4f", d, tt, c.name, got.P, got.Err, c.want)
				}
			}
		}
	}
}
