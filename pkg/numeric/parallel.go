package numeric

import (
	"runtime"
	"sync"
)

// ParallelRanges splits 0..n-1 into GOMAXPROCS contiguous ranges and runs f(i0, i1) on each in
// its own goroutine (in the caller's when one range suffices), returning when all are done.
func ParallelRanges(n int, f func(i0, i1 int)) {
	w := min(runtime.GOMAXPROCS(0), n)
	if w <= 1 {
		if n > 0 {
			f(0, n)
		}
		return
	}
	var wg sync.WaitGroup
	for k := range w {
		i0, i1 := k*n/w, (k+1)*n/w
		wg.Add(1)
		go func() { defer wg.Done(); f(i0, i1) }()
	}
	wg.Wait()
}
