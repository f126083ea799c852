package attachments

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
)

// sqlReader streams one generation of an object, one chunk at a time.
type sqlReader struct {
	ctx        context.Context
	store      *SQL
	key        string
	generation string
	size       int64
	read       int64 // bytes returned so far
	seq        int64 // next chunk to fetch
	chunk      []byte
	err        error // sticky
	closed     bool
}

// Read implements io.Reader.
func (r *sqlReader) Read(p []byte) (int, error) {
	if r.closed {
		return 0, errors.New("attachments: sql: read after close")
	}
	if r.err != nil {
		return 0, r.err
	}
	if len(r.chunk) == 0 {
		if r.read >= r.size {
			r.err = io.EOF
			return 0, r.err
		}
		if r.err = r.fetch(); r.err != nil {
			return 0, r.err
		}
	}
	n := copy(p, r.chunk)
	r.chunk = r.chunk[n:]
	r.read += int64(n)
	return n, nil
}

// fetch loads the next chunk.
func (r *sqlReader) fetch() error {
	var data []byte
	err := r.store.db.QueryRowContext(r.ctx,
		`SELECT data FROM attachment_chunks WHERE object_key = ? AND generation = ? AND seq = ?`,
		r.key, r.generation, r.seq).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("attachments: sql: %q: chunk %d of generation %s is gone: %w", r.key, r.seq, r.generation, ErrChanged)
	}
	if err != nil {
		return fmt.Errorf("attachments: sql: %q: chunk %d: %w", r.key, r.seq, err)
	}
	if len(data) == 0 || r.read+int64(len(data)) > r.size {
		return fmt.Errorf("attachments: sql: %q: chunk %d of generation %s has a bad length %d", r.key, r.seq, r.generation, len(data))
	}
	r.seq++
	r.chunk = data
	return nil
}

// Close implements io.Closer.
func (r *sqlReader) Close() error {
	r.closed = true
	r.chunk = nil
	return nil
}
