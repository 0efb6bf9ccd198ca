package live

import "context"

// Latest calls run with values received from in, one call at a time, and skips values that were
// superseded while a call was running: when run returns, the next call gets the most recent value
// received meanwhile (if any), never an older one. It returns the number of calls, once in is closed
// (after the last call finishes and any pending value was run) or ctx is done (after the running call
// finishes; a pending value is then dropped).
func Latest[T any](ctx context.Context, in <-chan T, run func(T)) int {
	var (
		pending T
		have    bool // a value waits in pending
		busy    bool // a call is running
		calls   int
	)
	done := make(chan struct{})
	start := func(v T) {
		busy, have = true, false
		calls++
		go func() {
			run(v)
			done <- struct{}{}
		}()
	}
	ctxDone := ctx.Done() // nil for a context that is never done
	stopped := false
	for {
		if have && !busy && !stopped {
			start(pending)
		}
		if !busy && (stopped || !have && in == nil) {
			return calls
		}
		select {
		case v, ok := <-in:
			if !ok {
				in = nil
				continue
			}
			pending, have = v, true
		case <-done:
			busy = false
		case <-ctxDone:
			stopped, ctxDone, have, in = true, nil, false, nil
		}
	}
}
