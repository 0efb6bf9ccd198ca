package spectrum

import "testing"

// BenchmarkLambdaMNISTSize: Λ of a 10 000 × 1024 data set (Table 1's MNIST size).
func BenchmarkLambdaMNISTSize(b *testing.B) {
	x := spiked(10000, 1024, 300, 1, 1)
	c, _ := NewCovariance(x, 10000, 1024)
	for b.Loop() {
		if _, err := c.Lambda(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTop50MNISTSize: the top-50 spectrum of the Table 1 notebook at the same size.
func BenchmarkTop50MNISTSize(b *testing.B) {
	x := spiked(10000, 1024, 300, 1, 1)
	c, _ := NewCovariance(x, 10000, 1024)
	for b.Loop() {
		if _, err := c.Top(50, Tol(1e-6)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLambdaLSUNDim: Λ at d = 12 288 with n = 2000 < d.
func BenchmarkLambdaLSUNDim(b *testing.B) {
	x := spiked(2000, 12288, 3000, 1, 1)
	c, _ := NewCovariance(x, 2000, 12288)
	for b.Loop() {
		if _, err := c.Lambda(); err != nil {
			b.Fatal(err)
		}
	}
}
