package encrypt

import (
	"bufio"
	"crypto/cipher"
	"io"
)

// reader decrypts an object chunk by chunk.
type reader struct {
	store *Store
	src   io.Closer
	in    *bufio.Reader
	gcm   cipher.AEAD
	ad    []byte
	index uint64
	buf   []byte // sealed chunk
	plain []byte // decrypted, not yet read
	done  bool   // the final chunk was read
	err   error
}

func (r *reader) Read(p []byte) (int, error) {
	for len(r.plain) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if r.done {
			return 0, io.EOF
		}
		r.err = r.next()
	}
	n := copy(p, r.plain)
	r.plain = r.plain[n:]
	return n, nil
}

// next decrypts the next chunk into r.plain.
func (r *reader) next() error {
	if r.gcm == nil {
		if err := r.start(); err != nil {
			return err
		}
	}
	n, err := io.ReadFull(r.in, r.buf[:sealedSize])
	switch {
	case err == io.EOF:
		return ErrDamaged // cut after a chunk that was not the final one
	case err != nil && err != io.ErrUnexpectedEOF:
		return err
	}
	sealed := r.buf[:n]
	final := n < sealedSize
	if !final {
		_, perr := r.in.Peek(1)
		final = perr == io.EOF
		if perr != nil && perr != io.EOF {
			return perr
		}
	}
	plain, err := r.gcm.Open(sealed[:0], nonce(r.index, final), sealed, r.ad)
	if err != nil {
		return ErrDamaged
	}
	r.index++
	r.plain, r.done = plain, final
	return nil
}

// start reads the header and picks the key it names.
func (r *reader) start() error {
	head := make([]byte, headerSize)
	if _, err := io.ReadFull(r.in, head); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return ErrDamaged
		}
		return err
	}
	h, ok := parseHeader(head)
	if !ok {
		return ErrDamaged
	}
	for _, k := range r.store.keys {
		if k.id == h.keyID {
			gcm, err := aead(k, h)
			if err != nil {
				return err
			}
			r.gcm, r.ad, r.buf = gcm, head, make([]byte, sealedSize)
			return nil
		}
	}
	return ErrDamaged
}

func (r *reader) Close() error { return r.src.Close() }
