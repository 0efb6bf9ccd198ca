package backend

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
)

func TestDefaultRunsAGraph(t *testing.T) {
	t.Setenv(EnvVar, "")
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := Config(); !XLACompiled() && c != GoConfig {
		t.Fatalf("default config = %q, want %q", c, GoConfig)
	}
	if got := b.String(); got != "go" && !XLACompiled() {
		t.Fatalf("default backend = %q, want go", got)
	}
	if d := Describe(b); !strings.Contains(d, b.String()) {
		t.Fatalf("Describe = %q", d)
	}
	e, err := graph.NewExec(b, func(x *graph.Node) *graph.Node { return graph.ReduceAllSum(graph.Mul(x, x)) })
	if err != nil {
		t.Fatal(err)
	}
	out, err := e.Exec([]float32{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if v := out[0].Value().(float32); v != 14 {
		t.Fatalf("sum of squares = %v, want 14", v)
	}
	if (!XLACompiled() && !IsGo(b)) || IsGo(nil) {
		t.Fatalf("IsGo(%s) = %v, IsGo(nil) = %v", b, IsGo(b), IsGo(nil))
	}
}

func TestOverrideAndErrors(t *testing.T) {
	t.Setenv(EnvVar, "go:ops_sequential")
	if c, why := Config(); c != "go:ops_sequential" || !strings.Contains(why, EnvVar) {
		t.Fatalf("Config() = %q, %q", c, why)
	}
	if _, err := New(); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvVar, "nosuchbackend")
	if _, err := New(); err == nil || !strings.Contains(err.Error(), "nosuchbackend") {
		t.Fatalf("want an error naming the backend, got %v", err)
	}
	if !XLACompiled() {
		t.Setenv(EnvVar, "xla:cuda")
		if _, err := New(); err == nil || !strings.Contains(err.Error(), "-tags xla") {
			t.Fatalf("want an error about the xla build tag, got %v", err)
		}
	}
}

func TestFindCUDAPlugin(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PJRT_PLUGIN_LIBRARY_PATH", dir)
	if p := FindCUDAPlugin(); p != "" {
		t.Fatalf("found %q in an empty dir", p)
	}
	if err := os.MkdirAll(filepath.Join(dir, "nvidia"), 0o755); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "nvidia", cudaPluginName)
	if err := os.WriteFile(want, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if p := FindCUDAPlugin(); p != want {
		t.Fatalf("FindCUDAPlugin() = %q, want %q", p, want)
	}
}

func TestHasSetting(t *testing.T) {
	for _, c := range []struct {
		godebug string
		want    bool
	}{
		{"", false},
		{"cpu.fma=off", true},
		{"madvdontneed=1, cpu.fma=off", true},
		{"cpu.fma=off,cpu.fma=on", false},
		{"cpu.fma=on,cpu.fma=off", true},
		{"cpu.fmaa=off", false},
		{"cpu.avx2=off", false},
	} {
		if got := hasSetting(c.godebug, FMAOffSetting); got != c.want {
			t.Errorf("hasSetting(%q) = %v, want %v", c.godebug, got, c.want)
		}
	}
}

// TestExpCheck: the check is silent when $GODEBUG holds the setting, and a measurement is a
// positive, finite time.
func TestExpCheck(t *testing.T) {
	t.Setenv("GODEBUG", FMAOffSetting)
	if w := ExpCheck(); w != "" {
		t.Fatalf("ExpCheck with GODEBUG=%s: %q", FMAOffSetting, w)
	}
	if ns := ExpNanos(); !(ns > 0) || math.IsInf(ns, 0) {
		t.Fatalf("ExpNanos = %v", ns)
	}
}

// BenchmarkExp times math.Exp right after vector code (ExpNanos's setting): ~6-9 ns, or
// ~850 ns on an Intel AVX-512 CPU without GODEBUG=cpu.fma=off.
func BenchmarkExp(b *testing.B) {
	for range b.N {
		b.ReportMetric(ExpNanos(), "ns/exp")
	}
}
