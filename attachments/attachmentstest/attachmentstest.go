// Package attachmentstest is the conformance suite every attachments.Store
// backend must pass, built-in or plugin:
//
//	func TestMyStore(t *testing.T) {
//		attachmentstest.Run(t, func(t *testing.T) attachments.Store {
//			return newMyStore(t)
//		})
//	}
//
// It imports nothing of the webmail but package attachments, so a store in
// another Go module (a plugin) runs it too. What it checks, by subtest
// (PLUGINS.md has the same list); each failure message says what the store
// must do:
//
//   - RoundTrip: Put then Get and Stat give back the bytes, the size, the
//     content type ("" stored as DefaultContentType), the key and a recent
//     Modified; Put with size -1 works.
//   - Overwrite: a second Put replaces the object whole.
//   - NestedKeys: keys with "/" are independent objects.
//   - LongestKey: a key of MaxKeyLength bytes works.
//   - SizeMismatch: a reader shorter or longer than size fails Put with
//     ErrSizeMismatch and stores nothing.
//   - FailedPutKeepsOld: a failing reader or a cancelled context fails Put
//     and keeps the old object.
//   - Missing: Get and Stat of a missing key or of a key's prefix are
//     ErrNotFound; Delete of a missing key succeeds.
//   - Delete: a deleted key is ErrNotFound.
//   - InvalidKeys: every method refuses what ValidKey refuses (ErrInvalidKey).
//   - InvalidContentType: Put refuses control characters, non-ASCII and
//     over-long content types (ErrInvalidContentType).
//   - Ping: Ping succeeds.
//   - Sweep: for a Sweeper, sweeping removes no stored object.
//   - ConcurrentWriters: racing writers leave one whole value per key.
//   - Streaming100MiB: big objects stream (see below).
//
// The suite streams 100 MiB objects through the store and fails if the
// process heap grows by more than MaxHeapGrowth while doing so; that subtest
// is skipped only with -short. Run does not call t.Parallel, and it should not
// run alongside other memory-hungry tests, which would distort the heap
// measurement.
package attachmentstest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/webmail/webmail/attachments"
)

// StreamSize is the size of the objects the streaming subtest writes: 100 MiB
// plus an odd tail, so no backend's chunk or part size divides it.
const StreamSize = 100<<20 + 12345

// MaxHeapGrowth is how far the heap may grow over its baseline while a
// StreamSize object goes through a store. A backend that buffers whole
// objects blows through it; one that buffers a part or a chunk at a time does
// not.
const MaxHeapGrowth = 64 << 20

// Run runs the conformance suite. newStore is called once per subtest; it may
// return a fresh store each time or the same one, since every subtest uses
// its own keys. Stores it returns are not closed by the suite.
func Run(t *testing.T, newStore func(t *testing.T) attachments.Store) {
	t.Run("RoundTrip", func(t *testing.T) { testRoundTrip(t, newStore(t)) })
	t.Run("Overwrite", func(t *testing.T) { testOverwrite(t, newStore(t)) })
	t.Run("NestedKeys", func(t *testing.T) { testNestedKeys(t, newStore(t)) })
	t.Run("LongestKey", func(t *testing.T) { testLongestKey(t, newStore(t)) })
	t.Run("SizeMismatch", func(t *testing.T) { testSizeMismatch(t, newStore(t)) })
	t.Run("FailedPutKeepsOld", func(t *testing.T) { testFailedPutKeepsOld(t, newStore(t)) })
	t.Run("Missing", func(t *testing.T) { testMissing(t, newStore(t)) })
	t.Run("Delete", func(t *testing.T) { testDelete(t, newStore(t)) })
	t.Run("InvalidKeys", func(t *testing.T) { testInvalidKeys(t, newStore(t)) })
	t.Run("InvalidContentType", func(t *testing.T) { testInvalidContentType(t, newStore(t)) })
	t.Run("Ping", func(t *testing.T) { testPing(t, newStore(t)) })
	t.Run("Sweep", func(t *testing.T) { testSweep(t, newStore(t)) })
	t.Run("ConcurrentWriters", func(t *testing.T) { testConcurrentWriters(t, newStore(t)) })
	t.Run("Streaming100MiB", func(t *testing.T) {
		if testing.Short() {
			t.Skip("streams 200 MiB in and out; skipped with -short")
		}
		testStreaming(t, newStore(t))
	})
}

// testContext returns a context for one subtest's operations.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func put(t *testing.T, s attachments.Store, key string, data []byte, contentType string) {
	t.Helper()
	if err := s.Put(testContext(t), key, bytes.NewReader(data), int64(len(data)), contentType); err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
}

// get reads key whole; only for small objects.
func get(t *testing.T, s attachments.Store, key string) ([]byte, attachments.Info) {
	t.Helper()
	rc, info, err := s.Get(testContext(t), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("Get(%q): reading: %v", key, err)
	}
	return data, info
}

// wantObject checks that key holds data with contentType, through Get and Stat.
func wantObject(t *testing.T, s attachments.Store, key string, data []byte, contentType string, written time.Time) {
	t.Helper()
	got, info := get(t, s, key)
	if !bytes.Equal(got, data) {
		t.Errorf("Get(%q) = %q, want %q: Get must return exactly the bytes of the last successful Put", key, abbreviate(got), abbreviate(data))
	}
	checkInfo(t, "Get", info, key, int64(len(data)), contentType, written)
	info, err := s.Stat(testContext(t), key)
	if err != nil {
		t.Fatalf("Stat(%q): %v", key, err)
	}
	checkInfo(t, "Stat", info, key, int64(len(data)), contentType, written)
}

func checkInfo(t *testing.T, op string, info attachments.Info, key string, size int64, contentType string, written time.Time) {
	t.Helper()
	if info.Key != key || info.Size != size || info.ContentType != contentType {
		t.Errorf("%s(%q) info = {Key %q, Size %d, ContentType %q}, want {%q, %d, %q}: Info must give the key, the size in bytes and the content type Put stored (\"\" stored as DefaultContentType)",
			op, key, info.Key, info.Size, info.ContentType, key, size, contentType)
	}
	// Generous: the backend's clock (an S3 server) may differ a little, and
	// some backends keep whole seconds only.
	if d := info.Modified.Sub(written); d < -time.Minute || d > time.Minute {
		t.Errorf("%s(%q) Modified = %v, want about %v: Info.Modified must be when the object was written", op, key, info.Modified, written)
	}
}

func abbreviate(b []byte) string {
	if len(b) > 64 {
		return fmt.Sprintf("%s... (%d bytes)", b[:64], len(b))
	}
	return string(b)
}
