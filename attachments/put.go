package attachments

import (
	"errors"
	"fmt"
	"io"
)

// checkPut validates the arguments every backend's Put shares and returns the
// content type to store.
func checkPut(key string, size int64, contentType string) (string, error) {
	if err := ValidKey(key); err != nil {
		return "", err
	}
	if size < -1 {
		return "", fmt.Errorf("%w: negative size %d", ErrSizeMismatch, size)
	}
	if contentType == "" {
		return DefaultContentType, nil
	}
	if len(contentType) > MaxContentTypeLength {
		return "", fmt.Errorf("%w: longer than %d bytes", ErrInvalidContentType, MaxContentTypeLength)
	}
	for i := 0; i < len(contentType); i++ {
		// Content types end up in HTTP headers (S3, downloads): no control
		// characters, no newlines that could split a header, ASCII only.
		if c := contentType[i]; c < 0x20 || c > 0x7e {
			return "", fmt.Errorf("%w: byte %#02x at offset %d", ErrInvalidContentType, c, i)
		}
	}
	return contentType, nil
}

// exactReader passes through exactly size bytes of r and fails with
// ErrSizeMismatch if r has fewer or more. It reports a longer input as soon as
// the size-th byte is read, before returning io.EOF, so a backend that stops
// reading at size bytes (S3 with a Content-Length) still fails the upload.
// It also hides any io.ReaderAt or io.Seeker of r, which would make minio-go
// buffer several parts at once.
type exactReader struct {
	r         io.Reader
	size      int64
	remaining int64
	err       error // sticky: returned by every Read after the first failure or EOF
}

// newExactReader wraps r so it yields exactly size bytes; size -1 means any.
func newExactReader(r io.Reader, size int64) *exactReader {
	return &exactReader{r: r, size: size, remaining: size}
}

// Read implements io.Reader.
func (e *exactReader) Read(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	if e.size < 0 {
		n, err := e.r.Read(p)
		e.err = err
		return n, err
	}
	if e.remaining == 0 {
		e.err = e.checkEnd()
		return 0, e.err
	}
	if int64(len(p)) > e.remaining {
		p = p[:e.remaining]
	}
	n, err := e.r.Read(p)
	e.remaining -= int64(n)
	switch {
	case err == io.EOF && e.remaining > 0:
		e.err = fmt.Errorf("%w: got %d of %d bytes", ErrSizeMismatch, e.size-e.remaining, e.size)
	case err != nil:
		e.err = err
	case e.remaining == 0:
		e.err = e.checkEnd()
	}
	return n, e.err
}

// mismatch returns the ErrSizeMismatch error the reader reported, if any.
// Some consumers (net/http under minio-go) replace a body's read error with
// their own; this recovers it.
func (e *exactReader) mismatch() error {
	if errors.Is(e.err, ErrSizeMismatch) {
		return e.err
	}
	return nil
}

// checkEnd reports io.EOF if r has nothing after its size bytes.
func (e *exactReader) checkEnd() error {
	var extra [1]byte
	n, err := io.ReadFull(e.r, extra[:])
	switch {
	case n > 0:
		return fmt.Errorf("%w: more than %d bytes", ErrSizeMismatch, e.size)
	case err == io.EOF:
		return io.EOF
	default:
		return err
	}
}
