package numeric_test

import (
	"fmt"

	"github.com/diffregimes/diffregimes/pkg/numeric"
)

// The time at which a sampled φ(t) crosses 0.775, the paper's reading of t_S (Figs. 2 and 4).
func ExampleCrossing() {
	ts := numeric.Linspace(0.5, 2.5, 5) // 0.5, 1, 1.5, 2, 2.5
	phi := []float64{0.98, 0.9, 0.7, 0.6, 0.55}
	t, err := numeric.Crossing(ts, phi, 0.775)
	fmt.Printf("t_S = %.4f, err = %v\n", t, err)
	m, se := numeric.MeanSE([]float64{0.7, 0.8, 0.9})
	fmt.Printf("mean %.2f ± %.4f (1 s.e.)\n", m, se)
	// Output:
	// t_S = 1.3125, err = <nil>
	// mean 0.80 ± 0.0577 (1 s.e.)
}
