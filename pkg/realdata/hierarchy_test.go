package realdata

import (
	"math"
	"strings"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/datasets"
	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/hier"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

// On data drawn from the four-cluster mixture of pkg/hier and with its exact score, Hierarchy's
// φ_coarse(t) and φ_fine(t) = P(same class | same group) follow the closed forms of eq. (H3)
// within 3 combined standard errors (φ_fine = φ(t; μ̃₂) because the two signs are independent),
// Λ₁, Λ₂ of the sample covariance are dμ̃_i² + σ² within their sampling error, and the top two
// eigenvectors are the group and the within-group directions.
func TestHierarchyFollowsClosedForm(t *testing.T) {
	const size, n, mu1, mu2 = 4, 2000, 1.2, 0.6
	d := size * size
	m1, m2 := make([]float32, d), make([]float32, d)
	for j := range d { // orthogonal: m₂ alternates in sign over the coordinates
		m1[j] = mu1
		m2[j] = float32(mu2 * float64(1-2*(j%2)))
	}
	mix, err := hier.NewMixture(m1, m2, 1)
	if err != nil {
		t.Fatal(err)
	}
	r := gmm.NewRand(8)
	ds := &datasets.Dataset{Name: "four clusters", N: n, H: size, W: size, C: 1, X: make([]float32, n*d), Labels: make([]int, n),
		ClassNames: []string{"--", "-+", "+-", "++"}}
	for i := range n {
		k := i % 4
		s1, s2 := float32(2*(k/2)-1), float32(2*(k%2)-1)
		for j := range d {
			ds.X[i*d+j] = s1*m1[j] + s2*m2[j] + float32(r.NormFloat64())
		}
		ds.Labels[i] = k
	}
	cluster := mix.ClusterClass()                         // 2·sign(q₁) + sign(q₂) in {−3, −1, 1, 3}
	class := func(x []float32, b, d int) ([]int, error) { // 2·[q₁ > 0] + [q₂ > 0], as ds.Labels
		l, err := cluster(x, b, d)
		for i := range l {
			l[i] = (l[i] + 3) / 2
		}
		return l, err
	}
	e, err := New(backend.MustDefault(), ds.Name, "mixture", ds, mix)
	if err != nil {
		t.Fatal(err)
	}
	const pairs = 1500
	got, err := Hierarchy(e, class, []int{0, 0, 1, 1}, HierarchyOptions{Ratios: []float64{0.3, 0.55, 0.8, 1.2}, Pairs: pairs,
		SDE: sde.Config{T: 5, L: 100, K: 10, Seed: 3}})
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range []float64{got.Lambda1, got.Lambda2} {
		want := float64(d)*[]float64{mu1 * mu1, mu2 * mu2}[i] + 1
		// The top sample eigenvalue fluctuates by about want·sqrt(2/n).
		if se := want * math.Sqrt(2.0/n); math.Abs(l-want) > 3*se+float64(d)/n*2 {
			t.Errorf("Λ_%d = %.3f, want %.3f ± %.3f", i+1, l, want, 3*se)
		}
	}
	if got.Align1 < 0.99 || got.Align2 < 0.95 {
		t.Errorf("alignments %.3f, %.3f: want the top eigenvectors along m₁ and m₂", got.Align1, got.Align2)
	}
	for i, tt := range got.Times {
		c, f := got.Coarse[i], got.Fine[i]
		wc, wf := mix.PhiCoarse(tt), mix.PhiFine(tt)
		t.Logf("t = %.3f: φ_coarse %.3f ± %.3f (H3 %.3f), φ_fine %.3f ± %.3f (H3 %.3f)", tt, c.P, c.Err, wc, f.P, f.Err, wf)
		// Closed forms have no error; allow 3 s.e. of the estimate (at least that of p = the
		// closed form itself, as an estimate of 1 or 0 has a zero error bar).
		bar := func(e, p float64, m int) float64 { return math.Max(e, 3*math.Sqrt(p*(1-p)/float64(m))) }
		if math.Abs(c.P-wc) > bar(c.Err, wc, pairs) {
			t.Errorf("t = %.3f: φ_coarse = %.3f ± %.3f, eq. (H3) %.3f", tt, c.P, c.Err, wc)
		}
		if math.Abs(f.P-wf) > bar(f.Err, wf, int(c.P*pairs)) {
			t.Errorf("t = %.3f: φ_fine = %.3f ± %.3f, eq. (H3) %.3f", tt, f.P, f.Err, wf)
		}
	}
	for _, c := range []struct {
		group []int
		want  string
	}{
		{[]int{0, 0, 0, 0}, "both groups"},
		{[]int{0, 1, 2, 1}, "want 0 or 1"},
		{[]int{0, 1}, "has no group"},
	} {
		if _, err := Hierarchy(e, class, c.group, HierarchyOptions{Ratios: []float64{1}, Pairs: 10}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("groups %v: %v, want %q", c.group, err, c.want)
		}
	}
}
