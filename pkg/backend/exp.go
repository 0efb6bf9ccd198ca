package backend

import (
	"fmt"
	"math"
	"os"
	"strings"
	"sync"
	"time"
)

// FMAOffSetting is the GODEBUG setting that keeps math.Exp on its SSE-only code path. Go's
// math.Exp on amd64 (exp_amd64.s) takes a path that interleaves VEX-encoded FMA instructions
// with legacy SSE ones when the CPU has FMA. On the Intel Xeon of 2026-12-02 (AVX-512), once
// AVX-512 code has left the upper halves of the vector registers dirty, as the pure-Go
// backend's matmuls do, every switch between the two encodings stalls, and a math.Exp costs
// 820-870 ns instead of 6 ns. The pure-Go backend computes every float32 Exp (SiLU, Logistic,
// Tanh, ...) through math.Exp, so this one setting made a U-Net evaluation 11× faster there
// (BenchmarkEps, Small, batch 64: 24.5 s → 2.2 s). It only affects math.Exp's choice of code
// path (and the unused math.FMA intrinsic): the backend's own AVX2/AVX-512 kernels check
// AVX2/AVX-512, not FMA. The Makefile and the Jupyter kernel set it; ExpCheck warns when a
// program runs without it on a machine that needs it.
const FMAOffSetting = "cpu.fma=off"

// FMAOff reports whether $GODEBUG holds FMAOffSetting.
func FMAOff() bool { return hasSetting(os.Getenv("GODEBUG"), FMAOffSetting) }

// hasSetting reports whether the comma-separated GODEBUG value godebug holds setting (the
// last assignment of a key wins, as in the runtime).
func hasSetting(godebug, setting string) bool {
	key, _, _ := strings.Cut(setting, "=")
	found := false
	for _, kv := range strings.Split(godebug, ",") {
		if k, _, _ := strings.Cut(strings.TrimSpace(kv), "="); k == key {
			found = strings.TrimSpace(kv) == setting
		}
	}
	return found
}

// SlowExpNanos is the cost of one math.Exp above which ExpCheck calls it slow: ten times the
// 6-9 ns it takes on a CPU without the penalty, far below the ~850 ns with it.
const SlowExpNanos = 60

// ExpNanos measures one math.Exp, in nanoseconds: the fastest of a few runs of 4096 calls,
// each run right after vector code that dirties the upper register halves (dirtyUpper; a
// no-op in a binary built without GOEXPERIMENT=simd).
func ExpNanos() float64 {
	const calls = 4096
	xs := make([]float64, calls)
	for i := range xs {
		xs[i] = float64(i%200)/10 - 10
	}
	best := math.Inf(1)
	var sink float64
	for range 3 {
		sink += float64(dirtyUpper())
		start := time.Now()
		for _, x := range xs {
			sink += math.Exp(x)
		}
		best = min(best, float64(time.Since(start).Nanoseconds())/calls)
	}
	if sink < 0 {
		panic("unreachable")
	}
	return best
}

var expOnce sync.Once

// ExpCheck measures math.Exp once per process (ExpNanos) and, when it is slow and $GODEBUG
// lacks FMAOffSetting, returns a one-line warning naming the fix; otherwise "". Default
// prints it to standard error.
func ExpCheck() string {
	if FMAOff() {
		return ""
	}
	if ns := ExpNanos(); ns > SlowExpNanos {
		return fmt.Sprintf("backend: math.Exp takes %.0f ns on this CPU (6-9 ns without the penalty): set GODEBUG=%s before starting the program "+
			"(the Makefile and the project's Jupyter kernel do); every Exp, SiLU and Tanh of the pure-Go backend goes through it (see backend.FMAOffSetting)",
			ns, FMAOffSetting)
	}
	return ""
}

// warnSlowExp prints ExpCheck's warning to standard error, once per process.
func warnSlowExp() {
	expOnce.Do(func() {
		if w := ExpCheck(); w != "" {
			fmt.Fprintln(os.Stderr, w)
		}
	})
}
