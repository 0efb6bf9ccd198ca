package ou

import (
	"math"
	"strings"
	"testing"
)

// TestBadInput: mismatched lengths and a NaN or negative time are errors naming the problem, not
// a panic or a silent clamp (issue 15 row 12).
func TestBadInput(t *testing.T) {
	for _, tc := range []struct {
		dst, a, xi []float64
		t          float64
		want       string
	}{
		{nil, []float64{1, 2}, []float64{1}, 0.1, "len(xi) = 1, len(a) = 2"},
		{make([]float64, 3), []float64{1, 2}, []float64{1, 2}, 0.1, "len(dst) = 3, len(a) = 2"},
		{nil, []float64{1}, []float64{1}, math.NaN(), "t must be >= 0, got NaN"},
		{nil, []float64{1}, []float64{1}, -1, "t must be >= 0, got -1"},
	} {
		if _, err := Forward(tc.dst, tc.a, tc.xi, tc.t); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Forward(len %d, %d, %d, t=%g): %v, want %q", len(tc.dst), len(tc.a), len(tc.xi), tc.t, err, tc.want)
		}
	}
	if _, err := PaperSchedule().Step(math.NaN()); err == nil || !strings.Contains(err.Error(), "NaN") {
		t.Errorf("Step(NaN): %v, want an error", err)
	}
}
