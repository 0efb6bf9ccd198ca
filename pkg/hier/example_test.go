package hier_test

import (
	"fmt"

	"github.com/diffregimes/diffregimes/pkg/hier"
)

// The two speciation times of the four-cluster mixture in d = 64 with μ̃₁ = 1, μ̃₂ = 0.5
// (m₁ = (1, ..., 1), m₂ = 0.5 (1, −1, ...)), and the cloning probabilities of eq. (H3) around
// them: the coarse groups are fixed long before the fine classes.
func Example() {
	const d = 64
	m1, m2 := make([]float32, d), make([]float32, d)
	for i := range d {
		m1[i], m2[i] = 1, 0.5*float32(1-2*(i%2))
	}
	mix, err := hier.NewMixture(m1, m2, 1)
	if err != nil {
		panic(err)
	}
	tc, tf := mix.SpeciationTimes()
	fmt.Printf("t_coarse = %.3f, t_fine = %.3f\n", tc, tf)
	for _, t := range []float64{tc, tf} {
		fmt.Printf("t = %.3f: φ_coarse = %.3f, φ_fine = %.3f, φ_cluster = %.3f\n", t, mix.PhiCoarse(t), mix.PhiFine(t), mix.PhiCluster(t))
	}
	m2[0] += 0.3
	_, err = hier.NewMixture(m1, m2, 1)
	fmt.Println(err != nil)
	// Output:
	// t_coarse = 2.079, t_fine = 1.386
	// t = 2.079: φ_coarse = 0.775, φ_fine = 0.602, φ_cluster = 0.467
	// t = 1.386: φ_coarse = 0.966, φ_fine = 0.775, φ_cluster = 0.749
	// true
}
