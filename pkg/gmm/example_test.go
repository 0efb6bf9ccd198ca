package gmm_test

import (
	"fmt"
	"math"

	"github.com/diffregimes/diffregimes/pkg/gmm"
)

// Speciation and collapse times of the Gaussian mixture of Figs. 2 and 3.
func Example() {
	for _, d := range []int{128, 512, 12288} {
		m := gmm.Mixture{D: d, Mu: 1, Sigma: 1}
		tS := m.SpeciationTime()
		tC, err := m.CollapseTime(20000)
		if err != nil {
			panic(err)
		}
		fmt.Printf("d=%5d  t_S=%.4f  φ(t_S)=%.4f  t*=%.4f  t_C(n=20000)=%.4f  f(t_S)/α=%.4f\n",
			d, tS, m.Phi(tS), m.CurvatureTime(), tC, m.ExcessEntropy(tS, 20000)/(math.Log(20000)/float64(d)))
	}
	// Output:
	// d=  128  t_S=2.4260  φ(t_S)=0.7752  t*=2.7726  t_C(n=20000)=0.9712  f(t_S)/α=0.9493
	// d=  512  t_S=3.1192  φ(t_S)=0.7752  t*=3.4657  t_C(n=20000)=1.6358  f(t_S)/α=0.9495
	// d=12288  t_S=4.7082  φ(t_S)=0.7752  t*=5.0548  t_C(n=20000)=3.2156  f(t_S)/α=0.9495
}

// The potential of eq. (8) turns from a single well into a double well at t*.
func ExampleMixture_Potential() {
	m := gmm.Mixture{D: 100, Mu: 1, Sigma: 1}
	for _, t := range []float64{m.CurvatureTime() + 1, m.CurvatureTime() - 1} {
		fmt.Printf("t=%.3f  V(0)=%.3f  V(2)=%.3f  force(0.5)=%+.3f\n", t, m.Potential(0, t), m.Potential(2, t), m.Force(0.5, t))
	}
	// Output:
	// t=3.649  V(0)=0.000  V(2)=1.741  force(0.5)=-0.433
	// t=1.649  V(0)=0.000  V(2)=-4.303  force(0.5)=+2.363
}

// The curvature of V(q, t) at q = 0 vanishes at t* of eq. (23), above t_S; at t_S a trajectory
// already has the sign of its final class with probability C(t_S) > φ(t_S) = 0.7752.
func ExampleMixture_Barrier() {
	m := gmm.Mixture{D: 128, Mu: 1, Sigma: 1}
	tz, err := m.CurvatureZero(0, 10)
	if err != nil {
		panic(err)
	}
	h, q0, _ := m.Barrier(m.SpeciationTime())
	fmt.Printf("t_S=%.4f  t*=%.4f (eq. 23: %.4f)  barrier at t_S %.3f at q0=%.3f\n", m.SpeciationTime(), tz, m.CurvatureTime(), h, q0)
	fmt.Printf("C(t_S)=%.4f  φ(t_S)=%.4f\n", m.Commitment(m.SpeciationTime()), m.Phi(m.SpeciationTime()))
	// Output:
	// t_S=2.4260  t*=2.7726 (eq. 23: 2.7726)  barrier at t_S 0.653 at q0=1.915
	// C(t_S)=0.8413  φ(t_S)=0.7752
}
