package roundtrip_test

import (
	"fmt"

	"github.com/diffregimes/diffregimes/pkg/clone"
	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/roundtrip"
)

// Where the probability-flow ODE's φ_U of eq. (R1) crosses 0.775 for the mixture with
// μ̃ = σ = 1, against the speciation time t_S = ½ log d: a constant shift of ≈ 0.28.
func ExampleODECrossing() {
	for _, d := range []int{32, 1024} {
		m := gmm.Mixture{D: d, Mu: 1, Sigma: 1}
		tc, err := roundtrip.ODECrossing(m, clone.SpeciationLevel)
		if err != nil {
			panic(err)
		}
		fmt.Printf("d = %d: ODE crossing %.3f, t_S %.3f, φ(t_S) = %.3f, φ_U^ODE(t_S) = %.3f\n",
			d, tc, m.SpeciationTime(), m.Phi(m.SpeciationTime()), roundtrip.MixtureODEPhi(m, m.SpeciationTime()))
	}
	// Output:
	// d = 32: ODE crossing 2.013, t_S 1.733, φ(t_S) = 0.775, φ_U^ODE(t_S) = 0.841
	// d = 1024: ODE crossing 3.746, t_S 3.466, φ(t_S) = 0.775, φ_U^ODE(t_S) = 0.841
}
