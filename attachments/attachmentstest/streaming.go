package attachmentstest

import (
	"bytes"
	"crypto/sha256"
	"io"
	"runtime"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/webmail/webmail/attachments"
)

// testStreaming sends StreamSize objects through the store, with the size
// known and unknown, checking the bytes by SHA-256 and the heap by sampling.
func testStreaming(t *testing.T, s attachments.Store) {
	for _, tc := range []struct {
		name string
		seed uint64
		size int64 // passed to Put
	}{
		{"KnownSize", 1, StreamSize},
		{"UnknownSize", 2, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := "stream/" + strings.ToLower(tc.name)
			want := sha256.New()
			if _, err := io.Copy(want, newPatternReader(tc.seed, StreamSize)); err != nil {
				t.Fatal(err)
			}
			wantSum := want.Sum(nil)

			heap := watchHeap(t)
			start := time.Now()
			if err := s.Put(testContext(t), key, newPatternReader(tc.seed, StreamSize), tc.size, "application/zip"); err != nil {
				t.Fatalf("Put: %v", err)
			}
			putTime := time.Since(start)

			start = time.Now()
			rc, info, err := s.Get(testContext(t), key)
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			got := sha256.New()
			n, err := io.Copy(got, rc)
			rc.Close()
			getTime := time.Since(start)
			growth := heap.stop()
			if err != nil {
				t.Fatalf("Get: reading after %d bytes: %v", n, err)
			}
			if n != StreamSize || info.Size != StreamSize || info.ContentType != "application/zip" {
				t.Errorf("read %d bytes, Info{Size %d, ContentType %q}; want %d bytes, application/zip", n, info.Size, info.ContentType, StreamSize)
			}
			if !bytes.Equal(got.Sum(nil), wantSum) {
				t.Errorf("SHA-256 of what Get returned differs from what Put was given: a large object must come back byte for byte")
			}
			t.Logf("%d MiB: Put %v (%.0f MiB/s), Get %v (%.0f MiB/s), peak heap growth %.1f MiB",
				StreamSize>>20, putTime.Round(time.Millisecond), mibPerSecond(putTime),
				getTime.Round(time.Millisecond), mibPerSecond(getTime), float64(growth)/(1<<20))
			if growth > MaxHeapGrowth {
				t.Errorf("heap grew by %d MiB while streaming (limit %d MiB): the store buffers objects in memory",
					growth>>20, MaxHeapGrowth>>20)
			}
			if err := s.Delete(testContext(t), key); err != nil {
				t.Errorf("Delete: %v", err)
			}
		})
	}
}

// mibPerSecond is the throughput of moving StreamSize bytes in d.
func mibPerSecond(d time.Duration) float64 {
	return float64(StreamSize) / (1 << 20) / d.Seconds()
}

// heapWatcher samples the heap while a test streams, recording its peak.
type heapWatcher struct {
	baseline uint64
	peak     uint64
	stopCh   chan struct{}
	done     chan struct{}
}

const heapMetric = "/memory/classes/heap/objects:bytes"

// heapBytes reads the bytes of live and not yet swept heap objects.
func heapBytes() uint64 {
	sample := []metrics.Sample{{Name: heapMetric}}
	metrics.Read(sample)
	return sample[0].Value.Uint64()
}

// watchHeap starts sampling the heap every 20 ms (without stopping the
// world, unlike ReadMemStats) after a GC sets a clean baseline.
func watchHeap(t *testing.T) *heapWatcher {
	runtime.GC()
	h := &heapWatcher{baseline: heapBytes(), stopCh: make(chan struct{}), done: make(chan struct{})}
	h.peak = h.baseline
	go func() {
		defer close(h.done)
		ticker := time.NewTicker(20 * time.Millisecond)
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
	t.Cleanup(func() { h.stop() })
	return h
}

// stop ends sampling and returns the peak growth over the baseline.
func (h *heapWatcher) stop() uint64 {
	select {
	case <-h.stopCh:
	default:
		close(h.stopCh)
	}
	<-h.done
	if h.peak < h.baseline {
		return 0
	}
	return h.peak - h.baseline
}
