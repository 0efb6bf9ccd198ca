package experiment_test

import (
	"fmt"

	"github.com/diffregimes/diffregimes/pkg/experiment"
	"github.com/diffregimes/diffregimes/pkg/gmm"
	"github.com/diffregimes/diffregimes/pkg/rem"
)

// The curvature of V(q, t) at q = 0 vanishes at t* of eq. (23), above t_S; at t_S a trajectory
// already has the sign of its final class with probability C(t_S) > φ(t_S) = 0.7752.
func Example() {
	m := gmm.Mixture{D: 128, Mu: 1, Sigma: 1}
	tz, err := experiment.CurvatureZero(m, 0, 10)
	if err != nil {
		panic(err)
	}
	h, q0, _ := experiment.Barrier(m, m.SpeciationTime())
	fmt.Printf("t_S=%.4f  t*=%.4f (eq. 23: %.4f)  barrier at t_S %.3f at q0=%.3f\n", m.SpeciationTime(), tz, m.CurvatureTime(), h, q0)
	fmt.Printf("C(t_S)=%.4f  φ(t_S)=%.4f\n", experiment.Commitment(m, m.SpeciationTime()), m.Phi(m.SpeciationTime()))
	// Output:
	// t_S=2.4260  t*=2.7726 (eq. 23: 2.7726)  barrier at t_S 0.653 at q0=1.915
	// C(t_S)=0.8413  φ(t_S)=0.7752
}

// ψ_+ of the random energy model crosses −½ at the collapse time.
func ExampleREM() {
	model, _ := rem.New(0.2, 1, 1)
	c, err := experiment.REM(model, []float64{0.2, model.CondensationTime(), 1})
	if err != nil {
		panic(err)
	}
	for i, t := range c.T {
		fmt.Printf("t=%.4f  ψ+=%.4f  ψ−=%.4f\n", t, c.PsiPlus[i], c.PsiMinus[i])
	}
	// Output:
	// t=0.2000  ψ+=-1.0830  ψ−=-3.8457
	// t=0.5548  ψ+=-0.5000  ψ−=-1.2176
	// t=1.0000  ψ+=-0.3727  ψ−=-0.6434
}
