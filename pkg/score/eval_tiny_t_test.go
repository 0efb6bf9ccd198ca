package score

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
)

// TestEvalTinyTime: at t where float32(t) underflows (1e-40, 1e-300), evaluating the empirical score is an error naming t, not an all-NaN output
// (issue 15 row 8); at t = 1e-6 it is finite.
func TestEvalTinyTime(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const n, d = 20, 16
	a, _ := randn(r, n*d)
	ds, err := NewDataset(a, n, d, 0)
	if err != nil {
		t.Fatal(err)
	}
	emp, _ := NewEmpirical(ds)
	ev, err := NewEvaluator(backend.MustDefault(), emp)
	if err != nil {
		t.Fatal(err)
	}
	x, _ := randn(r, 3*d)
	for _, tc := range []struct {
		t    float64
		want string
	}{
		{1e-40, "t = 1e-40 is below float32's normal range"},
		{1e-300, "t = 1e-300 is below float32's normal range"},
	} {
		if f, err := ev.Eval(x, tc.t); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Eval at t = %g: %v (output %v), want an error containing %q", tc.t, err, f[:min(3, len(f))], tc.want)
		}
	}
	if f, err := ev.Eval(x, 2e-38); err != nil { // just inside float32's range: finite, huge
		t.Errorf("Eval at t = 2e-38: %v", err)
	} else if f[0] == 0 {
		t.Errorf("Eval at t = 2e-38: F = 0")
	}

	// Data whose squared distances overflow float32 give a non-finite F: an error naming t.
	for i := range a {
		a[i] *= 1e20
	}
	big, _ := NewDataset(a, n, d, 0)
	embig, _ := NewEmpirical(big)
	evbig, _ := NewEvaluator(backend.MustDefault(), embig)
	if _, err := evbig.Eval(x, 0.5); err == nil || !strings.Contains(err.Error(), "F(x, t = 0.5) is not finite") {
		t.Errorf("Eval with data of size 1e20: %v, want a non-finite error naming t", err)
	}
}
