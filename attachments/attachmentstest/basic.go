package attachmentstest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/webmail/webmail/attachments"
)

func testRoundTrip(t *testing.T, s attachments.Store) {
	put(t, s, "roundtrip/hello.txt", []byte("hello, world\n"), "text/plain; charset=utf-8")
	wantObject(t, s, "roundtrip/hello.txt", []byte("hello, world\n"), "text/plain; charset=utf-8", time.Now())

	put(t, s, "roundtrip/empty", nil, "application/x-empty")
	wantObject(t, s, "roundtrip/empty", nil, "application/x-empty", time.Now())

	put(t, s, "roundtrip/no-type", []byte("bytes"), "")
	wantObject(t, s, "roundtrip/no-type", []byte("bytes"), attachments.DefaultContentType, time.Now())

	// Unknown size.
	if err := s.Put(testContext(t), "roundtrip/unknown-size", strings.NewReader("streamed"), -1, "text/plain"); err != nil {
		t.Fatalf("Put(size -1): %v", err)
	}
	wantObject(t, s, "roundtrip/unknown-size", []byte("streamed"), "text/plain", time.Now())

	// Every byte value survives.
	all := make([]byte, 256*4)
	for i := range all {
		all[i] = byte(i)
	}
	put(t, s, "roundtrip/binary.bin", all, "application/octet-stream")
	wantObject(t, s, "roundtrip/binary.bin", all, "application/octet-stream", time.Now())
}

func testOverwrite(t *testing.T, s attachments.Store) {
	const key = "overwrite/doc"
	put(t, s, key, []byte("first version, rather long"), "text/plain")
	put(t, s, key, []byte("second"), "text/html")
	wantObject(t, s, key, []byte("second"), "text/html", time.Now())

	// Larger than any chunk size a backend is likely to use, then smaller.
	big := pattern(7, 3<<20+5)
	put(t, s, key, big, "application/pdf")
	wantObject(t, s, key, big, "application/pdf", time.Now())
	put(t, s, key, []byte("third"), "text/plain")
	wantObject(t, s, key, []byte("third"), "text/plain", time.Now())
}

func testNestedKeys(t *testing.T, s attachments.Store) {
	// A key may be both an object and a prefix of other keys, as in S3.
	keys := []string{"nested/a", "nested/a/b", "nested/a/b/c", "nested/a.b", "nested/A"}
	for _, key := range keys {
		put(t, s, key, []byte("value of "+key), "text/plain")
	}
	for _, key := range keys {
		wantObject(t, s, key, []byte("value of "+key), "text/plain", time.Now())
	}
	if err := s.Delete(testContext(t), "nested/a/b"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	wantObject(t, s, "nested/a/b/c", []byte("value of nested/a/b/c"), "text/plain", time.Now())
	wantObject(t, s, "nested/a", []byte("value of nested/a"), "text/plain", time.Now())
}

func testLongestKey(t *testing.T, s attachments.Store) {
	segment := strings.Repeat("k", attachments.MaxKeySegmentLength)
	key := "longest/" + segment
	key += "/" + strings.Repeat("z", attachments.MaxKeyLength-len(key)-1)
	if len(key) != attachments.MaxKeyLength {
		t.Fatalf("test key has %d bytes, want %d", len(key), attachments.MaxKeyLength)
	}
	put(t, s, key, []byte("long"), "text/plain")
	wantObject(t, s, key, []byte("long"), "text/plain", time.Now())
	if err := s.Delete(testContext(t), key); err != nil {
		t.Fatalf("Delete: %v", err)
	}
}

func testSizeMismatch(t *testing.T, s attachments.Store) {
	const key = "mismatch/doc"
	put(t, s, key, []byte("original"), "text/plain")
	for _, tc := range []struct {
		name string
		data string
		size int64
	}{
		{"shorter", "12345", 10},
		{"longer", "1234567890", 5},
		{"empty but announced", "", 3},
		{"announced empty", "abc", 0},
	} {
		err := s.Put(testContext(t), key, strings.NewReader(tc.data), tc.size, "text/plain")
		if !errors.Is(err, attachments.ErrSizeMismatch) {
			t.Errorf("%s: Put(%d bytes, size %d) = %v, want ErrSizeMismatch: Put must count the bytes it reads and fail (errors.Is ErrSizeMismatch) when they differ from size, storing nothing", tc.name, len(tc.data), tc.size, err)
		}
	}
	// A bigger object whose reader ends early, past the first chunk or part.
	data := pattern(3, 2<<20)
	if err := s.Put(testContext(t), key, bytes.NewReader(data), int64(len(data))+1, "text/plain"); !errors.Is(err, attachments.ErrSizeMismatch) {
		t.Errorf("Put(2 MiB, size 2 MiB+1) = %v, want ErrSizeMismatch: a reader that ends early must fail Put, even past the first chunk or part", err)
	}
	wantObject(t, s, key, []byte("original"), "text/plain", time.Now())
	if err := s.Put(testContext(t), "mismatch/never", strings.NewReader("abc"), 4, ""); err == nil {
		t.Fatalf("Put with a wrong size succeeded")
	}
	if _, err := s.Stat(testContext(t), "mismatch/never"); !errors.Is(err, attachments.ErrNotFound) {
		t.Errorf("after a failed Put of a new key, Stat = %v, want ErrNotFound: a failed Put must leave nothing behind under the key", err)
	}
}

// failingReader returns n bytes of a pattern, then err.
type failingReader struct {
	r   io.Reader
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, f.err
	}
	return n, err
}

func testFailedPutKeepsOld(t *testing.T, s attachments.Store) {
	const key = "failed/doc"
	put(t, s, key, []byte("good"), "text/plain")
	boom := errors.New("reader broke")
	for _, size := range []int64{-1, 5 << 20} {
		r := &failingReader{r: io.LimitReader(newPatternReader(9, 3<<20), 3<<20), err: boom}
		if err := s.Put(testContext(t), key, r, size, "text/plain"); err == nil {
			t.Errorf("Put(size %d) from a failing reader succeeded: Put must return the reader's error and keep the old object", size)
		}
		wantObject(t, s, key, []byte("good"), "text/plain", time.Now())
	}

	ctx, cancel := context.WithCancel(testContext(t))
	cancel()
	if err := s.Put(ctx, key, strings.NewReader("new"), 3, "text/plain"); err == nil {
		t.Errorf("Put with a cancelled context succeeded: Put must honour its context")
	}
	wantObject(t, s, key, []byte("good"), "text/plain", time.Now())
}

func testMissing(t *testing.T, s attachments.Store) {
	ctx := testContext(t)
	if rc, _, err := s.Get(ctx, "missing/nothing"); !errors.Is(err, attachments.ErrNotFound) {
		if err == nil {
			rc.Close()
		}
		t.Errorf("Get(missing) = %v, want ErrNotFound: a missing key must be errors.Is ErrNotFound", err)
	}
	if _, err := s.Stat(ctx, "missing/nothing"); !errors.Is(err, attachments.ErrNotFound) {
		t.Errorf("Stat(missing) = %v, want ErrNotFound: a missing key must be errors.Is ErrNotFound", err)
	}
	for i := range 2 {
		if err := s.Delete(ctx, "missing/nothing"); err != nil {
			t.Errorf("Delete(missing) #%d = %v, want nil: deleting a missing key must not be an error", i+1, err)
		}
	}
	// A prefix of an existing key is not itself an object.
	put(t, s, "missing/dir/file", []byte("x"), "text/plain")
	if _, err := s.Stat(ctx, "missing/dir"); !errors.Is(err, attachments.ErrNotFound) {
		t.Errorf("Stat(prefix of a key) = %v, want ErrNotFound: keys are names, not directories; a prefix of a key is not an object", err)
	}
	if rc, _, err := s.Get(ctx, "missing/dir"); !errors.Is(err, attachments.ErrNotFound) {
		if err == nil {
			rc.Close()
		}
		t.Errorf("Get(prefix of a key) = %v, want ErrNotFound: keys are names, not directories; a prefix of a key is not an object", err)
	}
}

func testDelete(t *testing.T, s attachments.Store) {
	ctx := testContext(t)
	put(t, s, "delete/doc", []byte("to be deleted"), "text/plain")
	put(t, s, "delete/other", []byte("stays"), "text/plain")
	for i := range 2 {
		if err := s.Delete(ctx, "delete/doc"); err != nil {
			t.Fatalf("Delete #%d: %v", i+1, err)
		}
	}
	if rc, _, err := s.Get(ctx, "delete/doc"); !errors.Is(err, attachments.ErrNotFound) {
		if err == nil {
			rc.Close()
		}
		t.Errorf("Get(deleted) = %v, want ErrNotFound: Delete must remove the object", err)
	}
	if _, err := s.Stat(ctx, "delete/doc"); !errors.Is(err, attachments.ErrNotFound) {
		t.Errorf("Stat(deleted) = %v, want ErrNotFound: Delete must remove the object", err)
	}
	wantObject(t, s, "delete/other", []byte("stays"), "text/plain", time.Now())
	// The key can be used again.
	put(t, s, "delete/doc", []byte("reborn"), "text/plain")
	wantObject(t, s, "delete/doc", []byte("reborn"), "text/plain", time.Now())
}

// invalidKeys returns keys every Store must reject with ErrInvalidKey.
func invalidKeys() []string {
	return []string{
		"",
		".",
		"..",
		"../etc/passwd",
		"a/../../b",
		"a/./b",
		"/abs",
		"trailing/",
		"a//b",
		`a\b`,
		`..\..\windows`,
		"a\x00b",
		"a b",
		"a:b",
		"caf\u00e9",
		"a~",
		"a\nb",
		strings.Repeat("a", attachments.MaxKeyLength+1),
		"x/" + strings.Repeat("s", attachments.MaxKeySegmentLength+1),
	}
}

func testInvalidKeys(t *testing.T, s attachments.Store) {
	ctx := testContext(t)
	for _, key := range invalidKeys() {
		err := s.Put(ctx, key, strings.NewReader("x"), 1, "text/plain")
		if !errors.Is(err, attachments.ErrInvalidKey) {
			t.Errorf("Put(%q) = %v, want ErrInvalidKey: every method must check the key with attachments.ValidKey first", key, err)
		}
		rc, _, err := s.Get(ctx, key)
		if !errors.Is(err, attachments.ErrInvalidKey) {
			t.Errorf("Get(%q) = %v, want ErrInvalidKey: every method must check the key with attachments.ValidKey first", key, err)
		}
		if err == nil {
			rc.Close()
		}
		if _, err := s.Stat(ctx, key); !errors.Is(err, attachments.ErrInvalidKey) {
			t.Errorf("Stat(%q) = %v, want ErrInvalidKey: every method must check the key with attachments.ValidKey first", key, err)
		}
		if err := s.Delete(ctx, key); !errors.Is(err, attachments.ErrInvalidKey) {
			t.Errorf("Delete(%q) = %v, want ErrInvalidKey: every method must check the key with attachments.ValidKey first", key, err)
		}
	}
}

func testInvalidContentType(t *testing.T, s attachments.Store) {
	ctx := testContext(t)
	for _, contentType := range []string{
		"text/plain\r\nX-Injected: 1",
		"text/plain\x00",
		"text/pl\u00e4in",
		"text/" + strings.Repeat("x", attachments.MaxContentTypeLength),
	} {
		err := s.Put(ctx, "contenttype/doc", strings.NewReader("x"), 1, contentType)
		if !errors.Is(err, attachments.ErrInvalidContentType) {
			t.Errorf("Put(content type %q) = %v, want ErrInvalidContentType: Put must refuse it (attachments.CheckPut does)", abbreviate([]byte(contentType)), err)
		}
	}
	longest := "text/" + strings.Repeat("x", attachments.MaxContentTypeLength-len("text/"))
	put(t, s, "contenttype/longest", []byte("x"), longest)
	wantObject(t, s, "contenttype/longest", []byte("x"), longest, time.Now())
}

func testPing(t *testing.T, s attachments.Store) {
	if err := s.Ping(testContext(t)); err != nil {
		t.Errorf("Ping: %v: Ping must succeed while the backend answers", err)
	}
}

func testSweep(t *testing.T, s attachments.Store) {
	sweeper, ok := s.(attachments.Sweeper)
	if !ok {
		t.Skip("the store does not implement attachments.Sweeper")
	}
	put(t, s, "sweep/doc", pattern(11, 2<<20+1), "application/pdf")
	put(t, s, "sweep/doc", pattern(12, 2<<20+2), "application/pdf")
	put(t, s, "sweep/dir/doc", []byte("x"), "text/plain")
	if err := s.Delete(testContext(t), "sweep/dir/doc"); err != nil {
		t.Fatal(err)
	}
	for _, olderThan := range []time.Duration{time.Hour, 0} {
		if _, err := sweeper.Sweep(testContext(t), olderThan); err != nil {
			t.Fatalf("Sweep(%v): %v", olderThan, err)
		}
		// Nothing that is stored may go.
		wantObject(t, s, "sweep/doc", pattern(12, 2<<20+2), "application/pdf", time.Now())
	}
	put(t, s, "sweep/dir/doc", []byte("y"), "text/plain")
	wantObject(t, s, "sweep/dir/doc", []byte("y"), "text/plain", time.Now())
}
