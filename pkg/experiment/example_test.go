package experiment_test

import (
	"fmt"

	"github.com/diffregimes/diffregimes/pkg/experiment"
	"github.com/diffregimes/diffregimes/pkg/rem"
)

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
