package clone_test

import (
	"fmt"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/score"
	"github.com/diffregimes/diffregimes/pkg/sde"
)

// The cloning protocol of SI D.1 with the exact mixture score (eq. 54): φ(t), the probability
// that two clones made at time t end in the same cluster, against eq. (6) (gmm.Mixture.Phi) at the cloning times rounded to the step grid.
// At t_S it is SpeciationLevel, the 0.775 of Fig. 2. Any score.Score (a trained network, a
// custom closed form) plugs in the same way through sde.New.
func ExampleRun() {
	m := gmm.Mixture{D: 32, Mu: 1, Sigma: 1}
	s, err := score.NewMixture(m.Centre(), m.Sigma)
	if err != nil {
		panic(err)
	}
	in, err := sde.New(backend.MustDefault(), s, sde.Config{T: 6, L: 300, Seed: 5})
	if err != nil {
		panic(err)
	}
	tS := m.SpeciationTime()
	res, err := clone.Run(in, clone.Options{Times: []float64{2 * tS, tS, tS / 2}, Pairs: 1000,
		Classes: map[string]clone.ClassFunc{"phi": clone.SignClass(m.Centre())}})
	if err != nil {
		panic(err)
	}
	for i, t := range res.Times {
		e := res.Same["phi"][i]
		fmt.Printf("t/t_S = %.2f: φ = %.3f ± %.3f, eq. (6) %.3f\n", t/tS, e.P, e.Err, m.Phi(t))
	}
	fmt.Printf("SpeciationLevel = %g, eq. (6) at t_S: %.4f\n", clone.SpeciationLevel, m.Phi(tS))
	// Output:
	// t/t_S = 2.00: φ = 0.538 ± 0.047, eq. (6) 0.515
	// t/t_S = 1.00: φ = 0.783 ± 0.039, eq. (6) 0.773
	// t/t_S = 0.50: φ = 0.986 ± 0.011, eq. (6) 0.987
	// SpeciationLevel = 0.775, eq. (6) at t_S: 0.7752
}
