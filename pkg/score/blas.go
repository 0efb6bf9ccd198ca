package score

import "github.com/diffregimes/diffregimes/pkg/blas"

// BLAS returns the name of the BLAS library that HostEmpirical uses (e.g.
// "libopenblas.so.0 (kernel Zen)") or an error saying why none could be loaded (package blas).
func BLAS() (string, error) {
	lib, err := blas.Load()
	if err != nil {
		return "", err
	}
	return lib.Name(), nil
}
