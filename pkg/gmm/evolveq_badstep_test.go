package gmm

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestEvolveQBadStep: a step of 1e-300 (whose step count overflows int) or +Inf (zero steps) was
// a silent no-op; both are errors naming the step (issue 15 row 12). q is left untouched.
func TestEvolveQBadStep(t *testing.T) {
	m := Mixture{D: 16, Mu: 1, Sigma: 1}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		step float64
		want string
	}{
		{1e-300, "needs 5e+299 steps"},
		{math.Inf(1), "step must be > 0 and finite, got +Inf"},
		{math.NaN(), "got NaN"},
	} {
		q := []float64{0.5, -0.5}
		if err := m.EvolveQ(q, 1, 0.5, tc.step, rng); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("EvolveQ(step %g): %v, want %q", tc.step, err, tc.want)
		}
		if q[0] != 0.5 || q[1] != -0.5 {
			t.Errorf("EvolveQ(step %g) changed q: %v", tc.step, q)
		}
	}
	// from == to with a normal step is a correct no-op.
	if err := m.EvolveQ([]float64{1}, 1, 1, 0.1, rng); err != nil {
		t.Errorf("EvolveQ(from == to): %v", err)
	}
}
