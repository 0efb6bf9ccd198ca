package realdata_test

import (
	"fmt"
	"math"

	"github.com/diffregimes/diffregimes/pkg/backend"
	"github.com/diffregimes/diffregimes/pkg/datasets"
	"github.com/diffregimes/diffregimes/pkg/entropy"
	"github.com/diffregimes/diffregimes/pkg/realdata"
)

// The spectral predictions of an experiment on two images ±m, |m|² = 16: Λ = 2|m|² (the
// covariance is normalised by n - 1) and t_S = 1/2 log Λ (eq. 4); f^e(t)/α goes from 1 at large t to 0 below the collapse.
func Example() {
	d := 16
	ds := &datasets.Dataset{Name: "±m", N: 2, H: 4, W: 4, C: 1, X: make([]float32, 2*d), Labels: []int{0, 1}}
	for j := range d {
		ds.X[j], ds.X[d+j] = 1, -1
	}
	e, err := realdata.NewEmpirical(backend.MustDefault(), "±m", ds)
	if err != nil {
		panic(err)
	}
	fmt.Printf("Λ = %.2f, t_S = %.4f (½ log 32 = %.4f), α = %.4f\n", e.Lambda, e.TS, 0.5*math.Log(32), e.Alpha)
	est, err := entropy.New(e.Backend(), e.Points, 0, 1)
	if err != nil {
		panic(err)
	}
	lo, _ := est.ExcessCV(0.1, 2000)
	hi, _ := est.ExcessCV(6, 2000)
	fmt.Printf("f^e/α: %.2f at t = 0.1, %.2f at t = 6\n", lo.Value/e.Alpha, hi.Value/e.Alpha)
	// Output:
	// Λ = 32.00, t_S = 1.7329 (½ log 32 = 1.7329), α = 0.0433
	// f^e/α: 0.00 at t = 0.1, 1.00 at t = 6
}

// A sample is a copy when its nearest training image is closer than a third of the second
// nearest (arXiv 2505.17638): distances 0.1 and 2 make a copy, 1 and 1.5 do not.
func ExampleCopyFraction() {
	s, err := realdata.CopyFraction([]float64{0.1, 1}, []float64{2, 1.5})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d of %d copies, ratios %.2f\n", s.Copies, s.Samples, s.Ratio)
	// Output:
	// 1 of 2 copies, ratios [0.05 0.67]
}
