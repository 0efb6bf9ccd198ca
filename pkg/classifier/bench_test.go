package classifier

import (
	"testing"

	"github.com/diffregimes/diffregimes/pkg/backend"
)

// BenchmarkPredict measures classifying 1024 images of 32x32.
func BenchmarkPredict(b *testing.B) {
	c, err := New(backend.MustDefault(), DefaultConfig(32, 32, 1, 2))
	if err != nil {
		b.Fatal(err)
	}
	x := randomImages(1024, 32, 32, 1, 1)
	for b.Loop() {
		if _, err := c.Predict(x); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTrainStep measures one Adam step on a batch of 64 images of 32x32.
func BenchmarkTrainStep(b *testing.B) {
	c, err := New(backend.MustDefault(), DefaultConfig(32, 32, 1, 2))
	if err != nil {
		b.Fatal(err)
	}
	x, labels := randomImages(64, 32, 32, 1, 2), make([]int, 64)
	for i := range labels {
		labels[i] = i % 2
	}
	opt := TrainOptions{Steps: 1, BatchSize: 64, LearningRate: 1e-3, Seed: 1}
	if _, err := c.Train(x, labels, opt); err != nil { // compile outside the timing
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := c.Train(x, labels, opt); err != nil {
			b.Fatal(err)
		}
	}
}
