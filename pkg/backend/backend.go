package backend

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend" // registers the pure-Go backend "go".
)

// EnvVar overrides the automatic choice; its syntax is gomlx's "<name>[:<config>]",
// e.g. "go", "go:ops_sequential", "xla:cuda".
const EnvVar = compute.ConfigEnvVar

// GoConfig is the CPU default: the pure-Go backend with ops scheduled one at a time. With
// gomlx/compute v0.1.3's parallel op scheduling, two large concurrent ops (the matmul chunks of
// the empirical score, a U-Net training step) deadlock in its worker pool (one goroutine in
// Pool.WaitToStart, the matmul in Pool.Saturate). Sequential scheduling costs nothing
// measurable here, because each large op (matmul, conv) still uses every core internally.
const GoConfig = "go:ops_sequential"

// NoAutoInstallEnv is go-xla's switch that stops it downloading a PJRT plugin; an "xla"
// backend is refused unless it is "1".
const NoAutoInstallEnv = "GOMLX_NO_AUTO_INSTALL"

// cudaPluginName is the file name go-xla looks for when asked for the "cuda" plugin.
const cudaPluginName = "pjrt_c_api_cuda_plugin.so"

// xlaCompiled is set to true by xla.go when the binary is built with the `xla` tag.
var xlaCompiled bool

// XLACompiled reports whether this binary links the XLA backend (build tag `xla`).
func XLACompiled() bool { return xlaCompiled }

// FindCUDAPlugin returns the path of a PJRT CUDA plugin in the directories of
// $PJRT_PLUGIN_LIBRARY_PATH, or "" when there is none.
func FindCUDAPlugin() string {
	for _, dir := range filepath.SplitList(os.Getenv("PJRT_PLUGIN_LIBRARY_PATH")) {
		if dir == "" {
			continue
		}
		for _, p := range []string{filepath.Join(dir, cudaPluginName), filepath.Join(dir, "nvidia", cudaPluginName)} {
			if st, err := os.Stat(p); err == nil && !st.IsDir() {
				return p
			}
		}
	}
	return ""
}

// Config returns the backend configuration New would use and why it was chosen.
func Config() (config, reason string) {
	if c, ok := os.LookupEnv(EnvVar); ok && c != "" {
		return c, "$" + EnvVar
	}
	if xlaCompiled {
		if p := FindCUDAPlugin(); p != "" {
			return "xla:cuda", "CUDA PJRT plugin found at " + p
		}
		return GoConfig, "built with xla but no CUDA PJRT plugin in $PJRT_PLUGIN_LIBRARY_PATH"
	}
	return GoConfig, "default (binary built without the xla tag)"
}

// New returns a fresh backend for Config(). Most callers want Default.
func New() (compute.Backend, error) {
	config, reason := Config()
	return NewWithConfig(config, reason)
}

// NewWithConfig returns a backend for an explicit gomlx configuration string.
// reason is only used in error messages and may be empty.
func NewWithConfig(config, reason string) (compute.Backend, error) {
	name, _, _ := strings.Cut(config, ":")
	if name == "xla" && !xlaCompiled {
		return nil, fmt.Errorf("backend: %q requested (%s) but this binary was built without the `xla` build tag; rebuild with -tags xla", config, reason)
	}
	if name == "xla" && os.Getenv(NoAutoInstallEnv) != "1" {
		// go-xla reads this variable itself; without it, a missing plugin means a download
		// attempt from these offline machines. The caller's environment sets it (Makefile,
		// kernel spec, CI): it is not set here behind its back.
		return nil, fmt.Errorf("backend: %q requested (%s) without $%s=1: go-xla would try to download a PJRT plugin; set it in the environment", config, reason, NoAutoInstallEnv)
	}
	if !slices.Contains(compute.List(), name) {
		return nil, fmt.Errorf("backend: unknown backend %q in configuration %q (%s); compiled-in backends: %s",
			name, config, reason, strings.Join(compute.List(), ", "))
	}
	b, err := compute.NewWithConfig(config)
	if err != nil {
		if reason != "" {
			return nil, fmt.Errorf("backend: creating %q (%s): %w", config, reason, err)
		}
		return nil, fmt.Errorf("backend: creating %q: %w", config, err)
	}
	return b, nil
}

var (
	defaultOnce sync.Once
	defaultB    compute.Backend
	defaultErr  error
)

// Default returns the process-wide backend, created on first use with New. With the pure-Go backend it
// also checks, once, that math.Exp is not in its slow state (ExpCheck; a warning on standard error).
func Default() (compute.Backend, error) {
	defaultOnce.Do(func() {
		defaultB, defaultErr = New()
		if defaultErr == nil && IsGo(defaultB) {
			warnSlowExp()
		}
	})
	return defaultB, defaultErr
}

// MustDefault is Default for notebooks and examples: it panics with a clear message on error.
func MustDefault() compute.Backend {
	b, err := Default()
	if err != nil {
		panic(err)
	}
	return b
}

// IsGo reports whether b is the pure-Go backend ("go", any configuration): the one question
// the packages ask of a backend (host-side noise in sde, the convolution in unet, steps per
// call). False for nil.
func IsGo(b compute.Backend) bool { return b != nil && b.String() == "go" }

// Describe returns a one-line human description of a backend and its device,
// e.g. "go: Go Portable Compute Backend (parallelism=2), device#0".
func Describe(b compute.Backend) string {
	if b == nil {
		return "<nil backend>"
	}
	dev := ""
	if b.NumDevices() > 0 {
		dev = b.DeviceDescription(0)
	}
	return fmt.Sprintf("%s: %s, %s", b.String(), b.Description(), dev)
}
