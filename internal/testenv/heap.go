package testenv

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"
)

// HeapWatcher samples the heap of the test process while a test works,
// recording its peak: for tests that prove something is streamed rather
// than held in memory. With httptest servers the server's heap is the
// test's too.
type HeapWatcher struct {
	baseline uint64
	peak     uint64
	stopOnce sync.Once
	stopCh   chan struct{}
	done     chan struct{}
}

const heapMetric = "/memory/classes/heap/objects:bytes"

// heapBytes reads the bytes of live and not yet swept heap objects,
// without stopping the world as ReadMemStats does.
func heapBytes() uint64 {
	sample := []metrics.Sample{{Name: heapMetric}}
	metrics.Read(sample)
	return sample[0].Value.Uint64()
}

// WatchHeap runs a GC for a clean baseline and starts sampling the heap
// every 10 ms until Stop (or the end of the test).
func WatchHeap(t testing.TB) *HeapWatcher {
	runtime.GC()
	h := &HeapWatcher{baseline: heapBytes(), stopCh: make(chan struct{}), done: make(chan struct{})}
	h.peak = h.baseline
	go func() {
		defer close(h.done)
		ticker := time.NewTicker(10 * time.Millisecond)
		defer ticker.Stop()
		for {
			h.peak = max(h.peak, heapBytes())
			select {
			case <-h.stopCh:
				return
			case <-ticker.C:
			}
		}
	}()
	t.Cleanup(func() { h.Stop() })
	return h
}

// Stop ends sampling and returns the peak growth over the baseline, in
// bytes. Garbage not yet collected counts: the figure is an upper bound
// on what the work held.
func (h *HeapWatcher) Stop() uint64 {
	h.stopOnce.Do(func() { close(h.stopCh) })
	<-h.done
	if h.peak < h.baseline {
		return 0
	}
	return h.peak - h.baseline
}
