package rem_test

import (
	"fmt"

	"github.com/diffregimes/diffregimes/pkg/rem"
)

// Free energies of the two random energy models on both sides of the collapse.
func Example() {
	m, err := rem.New(0.2, 1, 1) // α = log(n)/d = 0.2, σ = μ̃ = 1
	if err != nil {
		panic(err)
	}
	tc := m.CondensationTime()
	fmt.Printf("t_cond = t_C = %.4f, t_cond of Z_- = %.4f\n", tc, m.CondensationTimeMinus())
	for _, t := range []float64{0.3, 0.5, 1, 2} {
		fmt.Printf("t=%.4f  ψ+=%.4f  ψ-=%.4f  collapsed=%v\n", t, m.PsiPlus(t), m.PsiMinus(t), m.PsiPlus(t) < -0.5)
	}
	// Output:
	// t_cond = t_C = 0.5548, t_cond of Z_- = 0.7903
	// t=0.3000  ψ+=-0.7660  ψ-=-2.4508  collapsed=true
	// t=0.5000  ψ+=-0.5309  ψ-=-1.3704  collapsed=true
	// t=1.0000  ψ+=-0.3727  ψ-=-0.6434  collapsed=false
	// t=2.0000  ψ+=-0.3092  ψ-=-0.3459  collapsed=false
}
