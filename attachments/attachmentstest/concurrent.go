package attachmentstest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/webmail/webmail/attachments"
)

// concurrentValue is what writer w writes in round r: a header naming both,
// then a pattern only they produce, so a reader can tell a complete value
// from a mix of two.
func concurrentValue(w, r int) []byte {
	header := fmt.Sprintf("writer=%d round=%d\n", w, r)
	return append([]byte(header), pattern(uint64(1000+w*100+r), 1<<20+300_000)...)
}

// checkConcurrentValue reports which writer and round wrote data, or an
// error if it is not exactly one of their values.
func checkConcurrentValue(data []byte) (w, r int, err error) {
	line, _, ok := bytes.Cut(data, []byte("\n"))
	if !ok {
		return 0, 0, fmt.Errorf("no header in %d bytes", len(data))
	}
	if _, err := fmt.Sscanf(string(line), "writer=%d round=%d", &w, &r); err != nil {
		return 0, 0, fmt.Errorf("bad header %q: %v", line, err)
	}
	if !bytes.Equal(data, concurrentValue(w, r)) {
		return w, r, fmt.Errorf("value claims writer %d round %d but its bytes differ (a mix of writes?)", w, r)
	}
	return w, r, nil
}

// testConcurrentWriters has writers race on their own keys and on one shared
// key while readers read the shared key.
func testConcurrentWriters(t *testing.T, s attachments.Store) {
	const (
		writers = 8
		rounds  = 3
		shared  = "concurrent/shared"
	)
	ctx, cancel := context.WithCancel(testContext(t))
	defer cancel()
	own := func(w int) string { return fmt.Sprintf("concurrent/own-%d", w) }

	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		failures []string
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		failures = append(failures, fmt.Sprintf(format, args...))
	}
	for w := range writers {
		wg.Go(func() {
			for r := range rounds {
				value := concurrentValue(w, r)
				size := int64(len(value))
				if (w+r)%2 == 1 {
					size = -1 // both code paths under contention
				}
				for _, key := range []string{own(w), shared} {
					if err := s.Put(ctx, key, bytes.NewReader(value), size, "application/octet-stream"); err != nil {
						fail("writer %d round %d: Put(%q): %v", w, r, key, err)
						return
					}
				}
			}
		})
	}

	// Readers race the writers: every read that completes must be one
	// writer's whole value. A read may fail with ErrChanged (the backend gave
	// up on a version that was replaced under it), never return a mix.
	done := make(chan struct{})
	var readers sync.WaitGroup
	var completeReads, changedReads int
	for range 2 {
		readers.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				rc, _, err := s.Get(ctx, shared)
				if errors.Is(err, attachments.ErrNotFound) {
					time.Sleep(time.Millisecond)
					continue
				}
				if err != nil {
					fail("reader: Get: %v", err)
					return
				}
				data, err := io.ReadAll(rc)
				rc.Close()
				mu.Lock()
				if errors.Is(err, attachments.ErrChanged) {
					changedReads++
					mu.Unlock()
					continue
				}
				completeReads++
				mu.Unlock()
				if err != nil {
					fail("reader: reading: %v", err)
					return
				}
				if _, _, err := checkConcurrentValue(data); err != nil {
					fail("reader: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(done)
	readers.Wait()
	for _, f := range failures {
		t.Error(f)
	}
	if t.Failed() {
		return
	}
	t.Logf("%d concurrent reads complete, %d ended with ErrChanged", completeReads, changedReads)

	for w := range writers {
		data, _ := get(t, s, own(w))
		gotW, gotR, err := checkConcurrentValue(data)
		if err != nil || gotW != w || gotR != rounds-1 {
			t.Errorf("%s holds writer %d round %d (err %v), want writer %d round %d: the last Put of a key must win, whole", own(w), gotW, gotR, err, w, rounds-1)
		}
	}
	data, info := get(t, s, shared)
	gotW, gotR, err := checkConcurrentValue(data)
	if err != nil {
		t.Errorf("%s: %v", shared, err)
	} else if gotR != rounds-1 {
		t.Errorf("%s holds writer %d round %d; the last write of every writer was round %d: writers racing on one key must leave one whole value, never a mix", shared, gotW, gotR, rounds-1)
	}
	if info.Size != int64(len(data)) {
		t.Errorf("%s: Info.Size %d, read %d bytes", shared, info.Size, len(data))
	}
}
