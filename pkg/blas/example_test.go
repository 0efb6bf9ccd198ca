package blas_test

import (
	"fmt"

	"github.com/diffregimes/diffregimes/pkg/blas"
)

func ExampleLib_Gemm() {
	lib, err := blas.Load()
	if err != nil {
		fmt.Println(err) // no OpenBLAS: install Debian's libopenblas0-pthread (make setup does)
		return
	}
	a := []float32{1, 2, 3, 4} // [2, 2]
	b := []float32{5, 6, 7, 8}
	c := make([]float32, 4)
	lib.Gemm(false, 2, 2, 2, 1, a, b, 0, c)
	fmt.Println(c)
	// Output: [19 22 43 50]
}
