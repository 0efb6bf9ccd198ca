package numeric

import (
	"sync/atomic"
	"testing"
)

// TestParallelRanges: every index is visited exactly once, the ranges are contiguous, and
// n = 0 calls nothing.
func TestParallelRanges(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 17, 1000} {
		seen := make([]int32, n)
		var calls atomic.Int32
		ParallelRanges(n, func(i0, i1 int) {
			calls.Add(1)
			if i0 >= i1 {
				t.Errorf("n=%d: empty range [%d, %d)", n, i0, i1)
			}
			for i := i0; i < i1; i++ {
				atomic.AddInt32(&seen[i], 1)
			}
		})
		for i, c := range seen {
			if c != 1 {
				t.Fatalf("n=%d: index %d visited %d times", n, i, c)
			}
		}
		if n == 0 && calls.Load() != 0 {
			t.Errorf("n=0: f called %d times", calls.Load())
		}
	}
}
