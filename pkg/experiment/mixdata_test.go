package experiment

import (
	"math"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/gmm"
)

// The drawn points have the mixture's moments: E[label·a_i] = μ̃, Var = σ², half per cluster.
func TestMixtureData(t *testing.T) {
	m := gmm.Mixture{D: 8, Mu: 0.7, Sigma: 1.3}
	const n = 20000
	a, labels, err := MixtureData(m, n, 5)
	if err != nil {
		t.Fatal(err)
	}
	var s, s2, plus float64
	for mu := range n {
		if labels[mu] > 0 {
			plus++
		}
		for _, v := range a[mu*m.D : (mu+1)*m.D] {
			y := float64(labels[mu])*float64(v) - m.Mu
			s, s2 = s+y, s2+y*y
		}
	}
	k := float64(n * m.D)
	if mean := s / k; math.Abs(mean) > 4*m.Sigma/math.Sqrt(k) {
		t.Errorf("mean of label·a − μ̃ = %g", mean)
	}
	if v := s2/k - (s/k)*(s/k); math.Abs(v-m.Sigma*m.Sigma) > 0.03 {
		t.Errorf("variance %g, want σ² = %g", v, m.Sigma*m.Sigma)
	}
	if math.Abs(plus/n-0.5) > 4*0.5/math.Sqrt(n) {
		t.Errorf("fraction in cluster + = %g", plus/n)
	}
	b, _, _ := MixtureData(m, n, 5)
	if b[123] != a[123] {
		t.Error("same seed must give the same data")
	}
	if _, _, err := MixtureData(m, 0, 1); err == nil {
		t.Error("n = 0 must be an error")
	}
	if c := Centre(m); len(c) != 8 || c[3] != float32(0.7) {
		t.Errorf("Centre = %v", c)
	}
}
