package attachments

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestExactReader(t *testing.T) {
	for _, tc := range []struct {
		input    string
		size     int64
		mismatch bool
	}{
		{"", 0, false},
		{"abc", 3, false},
		{"abc", -1, false},
		{"", -1, false},
		{"abc", 2, true},
		{"abc", 4, true},
		{"abc", 0, true},
		{"", 1, true},
	} {
		for _, wrap := range []struct {
			name string
			f    func(io.Reader) io.Reader
		}{
			{"plain", func(r io.Reader) io.Reader { return r }},
			{"one byte", iotest.OneByteReader},
			{"data+EOF", iotest.DataErrReader},
		} {
			r := newExactReader(wrap.f(strings.NewReader(tc.input)), tc.size)
			got, err := io.ReadAll(r)
			if tc.mismatch {
				if !errors.Is(err, ErrSizeMismatch) || r.mismatch() == nil {
					t.Errorf("%s: %q with size %d: err %v, want ErrSizeMismatch", wrap.name, tc.input, tc.size, err)
				}
				continue
			}
			if err != nil || string(got) != tc.input || r.mismatch() != nil {
				t.Errorf("%s: %q with size %d: got %q, %v", wrap.name, tc.input, tc.size, got, err)
			}
		}
	}
}

func TestExactReaderFailsBeforeEOF(t *testing.T) {
	// A consumer that stops after size bytes (net/http with a
	// Content-Length) must still see the error.
	r := newExactReader(strings.NewReader("abcdef"), 3)
	buf := make([]byte, 3)
	n, err := r.Read(buf)
	if n != 3 || !errors.Is(err, ErrSizeMismatch) {
		t.Errorf("Read = %d, %v; want 3, ErrSizeMismatch", n, err)
	}
}

func TestCheckPut(t *testing.T) {
	if ct, err := checkPut("k", -1, ""); err != nil || ct != DefaultContentType {
		t.Errorf("checkPut(empty type) = %q, %v", ct, err)
	}
	if _, err := checkPut("k", -2, "text/plain"); !errors.Is(err, ErrSizeMismatch) {
		t.Errorf("checkPut(size -2) = %v, want ErrSizeMismatch", err)
	}
	if _, err := checkPut("../k", 1, "text/plain"); !errors.Is(err, ErrInvalidKey) {
		t.Errorf("checkPut(bad key) = %v, want ErrInvalidKey", err)
	}
	if _, err := checkPut("k", 1, "text/plain\n"); !errors.Is(err, ErrInvalidContentType) {
		t.Errorf("checkPut(newline) = %v, want ErrInvalidContentType", err)
	}
}
