package datasets

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/spectrum"
)

func TestMeasureTable1(t *testing.T) {
	root := t.TempDir()
	writeIDX(t, filepath.Join(root, "mnist"), 60, 28, 28, 10, false) // 6 images per class
	t.Setenv(EnvData, root)
	t.Setenv(EnvCache, t.TempDir())
	t.Setenv("HOME", t.TempDir())
	results := MeasureAll(11, 5)
	results = results[1:] // the installed Fashion-MNIST is tested in TestFashionMNISTInstalled
	m := results[0]
	if m.Spectrum != nil && m.Spectrum.TLandauEff != 0 {
		t.Fatal("MeasureAll computed the effective Landau time")
	}
	if err := m.EffectiveLandau(); err != nil {
		t.Fatal(err)
	}
	if !m.Available || m.Err != nil || m.N != 10 || m.D != 1024 || m.H != 32 || len(m.Channel0) != 10*1024 {
		t.Fatalf("MNIST row: available=%v err=%v n=%d d=%d", m.Available, m.Err, m.N, m.D)
	}
	c, _ := spectrum.NewCovariance(m.Channel0, 10, 1024)
	lam, _ := c.Lambda()
	s := m.Spectrum
	if math.Abs(s.Lambda-lam) > 1e-9*lam || math.Abs(s.TS-0.5*math.Log(lam)) > 1e-12 || len(s.Top) != 5 || s.TLandauEff <= 0 {
		t.Fatalf("summary %+v vs Λ=%v", s, lam)
	}
	if img := m.PCImage(); len(img) != 1024 {
		t.Fatal("PC image size")
	}
	out := FormatTable1(results)
	for _, want := range []string{fmt.Sprintf("%9.2f", lam), "7.66", "missing CIFAR: looked in " + filepath.Join(root, "cifar-10-batches-bin"), "cifar-10-binary.tar.gz"} {
		if !strings.Contains(out, want) {
			t.Fatalf("table lacks %q:\n%s", want, out)
		}
	}
	if results[1].Available || results[1].Err != nil {
		t.Fatal("CIFAR reported present")
	}
	checks, err := m.CheckNoised([]float64{0.5, 1, 2}, 7)
	if err != nil || len(checks) != 3 {
		t.Fatalf("CheckNoised: %v, %d checks", err, len(checks))
	}
	for _, c := range checks {
		// eq. (11) itself, and the Monte Carlo top eigenvalue of noised data is at least Δ_t.
		if want := lam*math.Exp(-2*c.T) + 1 - math.Exp(-2*c.T); math.Abs(c.Eq11-want) > 1e-9*want {
			t.Fatalf("eq. (11) at t=%g: %g, want %g", c.T, c.Eq11, want)
		}
		if !(c.Measured > 1-math.Exp(-2*c.T)) || math.IsNaN(c.Finite) {
			t.Fatalf("check %+v", c)
		}
	}
	if again, _ := m.CheckNoised([]float64{0.5, 1, 2}, 7); again[2] != checks[2] {
		t.Fatal("same seed, different eq. (11) check")
	}
	text, err := FormatSpeciation(results, []float64{1}, 7)
	if err != nil || !strings.Contains(text, fmt.Sprintf("Λ = %.2f", lam)) || !strings.Contains(text, "eq. (11)") {
		t.Fatalf("FormatSpeciation: %v\n%s", err, text)
	}
}
