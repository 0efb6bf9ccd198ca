package live

import (
	"context"
	"sync"
	"testing"
	"time"
)

// While the first call runs, values 2..10 arrive: the next call gets 10, and no other.
func TestLatestKeepsOnlyTheNewest(t *testing.T) {
	in := make(chan int)
	release := make(chan struct{})
	started := make(chan int, 16)
	var got []int
	var mu sync.Mutex
	result := make(chan int)
	go func() {
		result <- Latest(context.Background(), in, func(v int) {
			mu.Lock()
			got = append(got, v)
			mu.Unlock()
			started <- v
			if v == 1 {
				<-release
			}
		})
	}()
	in <- 1
	if v := <-started; v != 1 {
		t.Fatalf("first call got %d, want 1", v)
	}
	for v := 2; v <= 10; v++ {
		in <- v // received by Latest while the first call is blocked
	}
	close(release)
	if v := <-started; v != 10 {
		t.Fatalf("second call got %d, want the latest value 10", v)
	}
	close(in)
	if n := <-result; n != 2 {
		t.Fatalf("Latest made %d calls, want 2 (got %v)", n, got)
	}
}

// A fast producer against a slow consumer: calls see increasing values, end with the last one, and
// are far fewer than the values sent.
func TestLatestFastProducer(t *testing.T) {
	in := make(chan int)
	var got []int
	done := make(chan int)
	go func() {
		done <- Latest(context.Background(), in, func(v int) {
			got = append(got, v) // calls never overlap
			time.Sleep(5 * time.Millisecond)
		})
	}()
	const n = 400
	for v := 1; v <= n; v++ {
		in <- v
		if v%20 == 0 {
			time.Sleep(time.Millisecond)
		}
	}
	close(in)
	calls := <-done
	if calls != len(got) || calls == 0 {
		t.Fatalf("calls=%d, recorded %d", calls, len(got))
	}
	if got[len(got)-1] != n {
		t.Errorf("last call got %d, want the last value %d", got[len(got)-1], n)
	}
	for i := 1; i < len(got); i++ {
		if got[i] <= got[i-1] {
			t.Fatalf("stale value: call %d got %d after %d", i, got[i], got[i-1])
		}
	}
	if calls >= n/2 {
		t.Errorf("%d calls for %d values: not coalescing", calls, n)
	}
}

// Cancelling waits for the running call and drops the pending value.
func TestLatestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	in := make(chan int)
	release := make(chan struct{})
	finished := make(chan int, 4)
	result := make(chan int)
	go func() {
		result <- Latest(ctx, in, func(v int) {
			<-release
			finished <- v
		})
	}()
	in <- 1
	in <- 2 // pending
	cancel()
	select {
	case <-result:
		t.Fatal("Latest returned while a call was still running")
	case <-time.After(20 * time.Millisecond):
	}
	close(release)
	if n := <-result; n != 1 {
		t.Fatalf("calls = %d, want 1 (the pending value is dropped)", n)
	}
	if v := <-finished; v != 1 {
		t.Fatalf("finished %d", v)
	}
}
