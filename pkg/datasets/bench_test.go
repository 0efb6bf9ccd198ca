package datasets

import "testing"

// BenchmarkFashionMNISTTrain: read, gunzip and convert the 60 000-image training split.
func BenchmarkFashionMNISTTrain(b *testing.B) {
	b.Setenv(EnvData, "/usr/share/datasets")
	if _, err := FashionMNIST(Test); err != nil {
		b.Skip(err)
	}
	for b.Loop() {
		if _, err := FashionMNIST(Train); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadCached: DefaultSpec (10 000 centred 32×32 images) from the binary cache.
func BenchmarkLoadCached(b *testing.B) {
	b.Setenv(EnvData, "/usr/share/datasets")
	b.Setenv(EnvCache, b.TempDir())
	if _, err := Load(DefaultSpec()); err != nil {
		b.Skip(err)
	}
	for b.Loop() {
		if _, err := Load(DefaultSpec()); err != nil {
			b.Fatal(err)
		}
	}
}
