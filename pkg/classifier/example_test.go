package classifier_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/classifier"
)

// A classifier learns two classes of 8x8 images that differ in brightness.
func Example() {
	rng := rand.New(rand.NewPCG(1, 2))
	n, d := 256, 64
	x, labels := make([]float32, n*d), make([]int, n)
	for i := range n {
		labels[i] = i % 2
		for p := range d {
			x[i*d+p] = float32(0.5*rng.NormFloat64() + 0.3*float64(2*labels[i]-1))
		}
	}
	c, err := classifier.New(backend.MustDefault(), classifier.DefaultConfig(8, 8, 1, 2))
	if err != nil {
		panic(err)
	}
	if _, err := c.Train(x, labels, classifier.DefaultTrainOptions(60)); err != nil {
		panic(err)
	}
	acc, _ := c.Accuracy(x, labels)
	np, err := c.NumParams()
	if err != nil {
		panic(err)
	}
	fmt.Printf("parameters: %d, accuracy > 0.95: %v\n", np, acc > 0.95)
	// Output: parameters: 7090, accuracy > 0.95: true
}
