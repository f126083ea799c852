package encrypt

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/webmail/webmail/attachments"
)

// Store encrypts every object it puts into the store underneath.
type Store struct {
	inner attachments.Store
	keys  []Key // the first encrypts
}

var (
	_ attachments.Store   = (*Store)(nil)
	_ attachments.Sweeper = (*Store)(nil)
)

// New wraps inner: keys[0] encrypts, every key decrypts.
func New(inner attachments.Store, keys ...Key) (*Store, error) {
	if len(keys) == 0 {
		return nil, errors.New("encrypt: no key")
	}
	return &Store{inner: inner, keys: keys}, nil
}

// Put encrypts r into key as it streams.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if err := attachments.ValidKey(key); err != nil {
		return err
	}
	h := header{keyID: s.keys[0].id}
	if _, err := rand.Read(h.salt[:]); err != nil {
		return fmt.Errorf("encrypt: %w", err)
	}
	sealed := int64(-1)
	if size >= 0 {
		sealed = sealedLength(size)
	}
	pr, pw := io.Pipe()
	encrypted := make(chan error, 1)
	go func() {
		err := s.encrypt(pw, r, h, size)
		pw.CloseWithError(err)
		encrypted <- err
	}()
	err := s.inner.Put(ctx, key, pr, sealed, contentType)
	pr.CloseWithError(errors.New("encrypt: the store underneath stopped reading"))
	if encErr := <-encrypted; errors.Is(encErr, attachments.ErrSizeMismatch) {
		// The store underneath saw a read error or a short object and
		// kept nothing; the caller learns why.
		return encErr
	}
	if err != nil {
		return fmt.Errorf("encrypt: %w", err)
	}
	return nil
}

// encrypt writes the header and the sealed chunks of r to w. A plaintext
// whose length is not size (when size >= 0) fails before the final chunk,
// so the store underneath never gets a complete object.
func (s *Store) encrypt(w io.Writer, r io.Reader, h header, size int64) error {
	gcm, err := aead(s.keys[0], h)
	if err != nil {
		return err
	}
	ad := h.bytes()
	if _, err := w.Write(ad); err != nil {
		return err
	}
	br := bufio.NewReaderSize(r, ChunkSize)
	plain := make([]byte, ChunkSize)
	out := make([]byte, 0, sealedSize)
	var total int64
	for i := uint64(0); ; i++ {
		n, err := io.ReadFull(br, plain)
		if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
			return err
		}
		total += int64(n)
		final := n < ChunkSize
		if !final {
			if _, perr := br.Peek(1); perr == io.EOF {
				final = true
			} else if perr != nil {
				return perr
			}
		}
		if size >= 0 && (total > size || final && total != size) {
			return fmt.Errorf("%w: %d bytes or more, announced %d", attachments.ErrSizeMismatch, total, size)
		}
		if _, err := w.Write(gcm.Seal(out[:0], nonce(i, final), plain[:n], ad)); err != nil {
			return err
		}
		if final {
			return nil
		}
	}
}

// Get decrypts key as it is read. A damaged or cut object fails the read
// with ErrDamaged, never with wrong bytes.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, attachments.Info, error) {
	rc, info, err := s.inner.Get(ctx, key)
	if err != nil {
		return nil, attachments.Info{}, err
	}
	if info.Size, err = plainSize(info.Size); err != nil {
		rc.Close()
		return nil, attachments.Info{}, err
	}
	return &reader{store: s, src: rc, in: bufio.NewReaderSize(rc, sealedSize)}, info, nil
}

// Stat describes key with its plaintext size.
func (s *Store) Stat(ctx context.Context, key string) (attachments.Info, error) {
	info, err := s.inner.Stat(ctx, key)
	if err != nil {
		return info, err
	}
	info.Size, err = plainSize(info.Size)
	return info, err
}

func plainSize(stored int64) (int64, error) {
	n, ok := plainLength(stored)
	if !ok {
		return 0, fmt.Errorf("%w: %d bytes stored is no encrypted object's size", ErrDamaged, stored)
	}
	return n, nil
}

// Delete removes key.
func (s *Store) Delete(ctx context.Context, key string) error { return s.inner.Delete(ctx, key) }

// Ping asks the store underneath.
func (s *Store) Ping(ctx context.Context) error { return s.inner.Ping(ctx) }

// Sweep sweeps the store underneath, when it can.
func (s *Store) Sweep(ctx context.Context, olderThan time.Duration) (int, error) {
	if sw, ok := s.inner.(attachments.Sweeper); ok {
		return sw.Sweep(ctx, olderThan)
	}
	return 0, nil
}
