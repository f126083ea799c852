// Package webdavstore is an attachment store over a WebDAV server, written
// as a plugin outside the webmail's repository (PLUGINS.md walks through
// it). Importing it registers the backend "webdav":
//
//	WEBMAIL_ATTACHMENTS=webdav
//	WEBMAIL_ATTACHMENTS_URL=https://dav.example.org/webmail/   # a collection that exists
//	WEBMAIL_ATTACHMENTS_USER=webmail                           # optional basic auth
//	WEBMAIL_ATTACHMENTS_PASSWORD=...
//
// Each object is one file named after the SHA-256 of its key (keys may be
// longer than a file name), holding a small header with the content type
// and then the bytes. A Put uploads to a temporary name and MOVEs it over
// the old object, so readers see the old or the new bytes, never a mix.
package webdavstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/webmail/webmail/attachments"
)

func init() {
	attachments.Register("webdav", func(_ context.Context, cfg attachments.Config) (attachments.Store, error) {
		return New(cfg.Settings["url"], cfg.Settings["user"], cfg.Settings["password"])
	})
}

// Store keeps objects on a WebDAV server.
type Store struct {
	base           *url.URL
	user, password string
	client         *http.Client
}

var _ attachments.Store = (*Store)(nil)

// New returns a store in the collection at rawURL.
func New(rawURL, user, password string) (*Store, error) {
	base, err := url.Parse(rawURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("webdavstore: WEBMAIL_ATTACHMENTS_URL %q is not an http(s) URL", rawURL)
	}
	if !strings.HasSuffix(base.Path, "/") {
		base.Path += "/"
	}
	return &Store{base: base, user: user, password: password, client: &http.Client{}}, nil
}

// objectURL is where key's object lives.
func (s *Store) objectURL(name string) string {
	return s.base.JoinPath(name).String()
}

func objectName(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

func (s *Store) do(ctx context.Context, method, target string, body io.Reader, header http.Header) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if s.user != "" {
		req.SetBasicAuth(s.user, s.password)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("webdavstore: %s: %w", method, err)
	}
	return resp, nil
}

// Put uploads r under a temporary name, then moves it over key.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	contentType, err := attachments.CheckPut(key, size, contentType)
	if err != nil {
		return err
	}
	head := make([]byte, 2, 2+len(contentType))
	binary.BigEndian.PutUint16(head, uint16(len(contentType)))
	head = append(head, contentType...)
	body := io.MultiReader(strings.NewReader(string(head)), attachments.ExactReader(r, size))

	temp := s.objectURL(".tmp-" + rand.Text())
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, temp, body)
	if err != nil {
		return err
	}
	req.ContentLength = -1 // the reader decides; ExactReader fails a wrong size
	if s.user != "" {
		req.SetBasicAuth(s.user, s.password)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		s.remove(temp)
		if errors.Is(err, attachments.ErrSizeMismatch) {
			return err
		}
		return fmt.Errorf("webdavstore: put: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusNoContent && resp.StatusCode != http.StatusOK {
		s.remove(temp)
		return fmt.Errorf("webdavstore: put: %s", resp.Status)
	}
	if err := s.move(ctx, temp, s.objectURL(objectName(key))); err != nil {
		s.remove(temp)
		return err
	}
	return nil
}

// move renames temp over target. The server locks the target while
// another MOVE to it runs (423 Locked): writers of one key take turns.
func (s *Store) move(ctx context.Context, temp, target string) error {
	for wait := 5 * time.Millisecond; ; wait = min(2*wait, time.Second) {
		resp, err := s.do(ctx, "MOVE", temp, nil, http.Header{"Destination": {target}, "Overwrite": {"T"}})
		if err != nil {
			return err
		}
		resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusCreated, http.StatusNoContent:
			return nil
		case http.StatusLocked:
		default:
			return fmt.Errorf("webdavstore: move: %s", resp.Status)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("webdavstore: move: %w", ctx.Err())
		case <-time.After(wait):
		}
	}
}

// remove deletes a temporary upload, on its own context: the request's
// may be what failed.
func (s *Store) remove(target string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if resp, err := s.do(ctx, http.MethodDelete, target, nil, nil); err == nil {
		resp.Body.Close()
	}
}

// Get streams key's object.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, attachments.Info, error) {
	if err := attachments.ValidKey(key); err != nil {
		return nil, attachments.Info{}, err
	}
	resp, err := s.do(ctx, http.MethodGet, s.objectURL(objectName(key)), nil, nil)
	if err != nil {
		return nil, attachments.Info{}, err
	}
	info, err := readInfo(resp, key, resp.ContentLength)
	if err != nil {
		resp.Body.Close()
		return nil, attachments.Info{}, err
	}
	return resp.Body, info, nil
}

// Stat reads the header of key's object only (a range request).
func (s *Store) Stat(ctx context.Context, key string) (attachments.Info, error) {
	if err := attachments.ValidKey(key); err != nil {
		return attachments.Info{}, err
	}
	resp, err := s.do(ctx, http.MethodGet, s.objectURL(objectName(key)), nil,
		http.Header{"Range": {"bytes=0-" + strconv.Itoa(1+attachments.MaxContentTypeLength)}})
	if err != nil {
		return attachments.Info{}, err
	}
	defer resp.Body.Close()
	total := resp.ContentLength
	if resp.StatusCode == http.StatusPartialContent {
		_, after, _ := strings.Cut(resp.Header.Get("Content-Range"), "/")
		if total, err = strconv.ParseInt(after, 10, 64); err != nil {
			return attachments.Info{}, fmt.Errorf("webdavstore: stat: Content-Range %q", resp.Header.Get("Content-Range"))
		}
	}
	return readInfo(resp, key, total)
}

// readInfo reads the object header from resp's body.
func readInfo(resp *http.Response, key string, total int64) (attachments.Info, error) {
	switch resp.StatusCode {
	case http.StatusOK, http.StatusPartialContent:
	case http.StatusNotFound:
		return attachments.Info{}, attachments.ErrNotFound
	default:
		return attachments.Info{}, fmt.Errorf("webdavstore: get: %s", resp.Status)
	}
	var n [2]byte
	if _, err := io.ReadFull(resp.Body, n[:]); err != nil {
		return attachments.Info{}, fmt.Errorf("webdavstore: object header: %w", err)
	}
	contentType := make([]byte, binary.BigEndian.Uint16(n[:]))
	if _, err := io.ReadFull(resp.Body, contentType); err != nil {
		return attachments.Info{}, fmt.Errorf("webdavstore: object header: %w", err)
	}
	modified, _ := http.ParseTime(resp.Header.Get("Last-Modified"))
	return attachments.Info{Key: key, Size: total - 2 - int64(len(contentType)),
		ContentType: string(contentType), Modified: modified}, nil
}

// Delete removes key; a missing key is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := attachments.ValidKey(key); err != nil {
		return err
	}
	resp, err := s.do(ctx, http.MethodDelete, s.objectURL(objectName(key)), nil, nil)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 && resp.StatusCode != http.StatusNotFound {
		return fmt.Errorf("webdavstore: delete: %s", resp.Status)
	}
	return nil
}

// Ping asks the server about the collection.
func (s *Store) Ping(ctx context.Context) error {
	resp, err := s.do(ctx, "PROPFIND", s.base.String(), nil, http.Header{"Depth": {"0"}})
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMultiStatus {
		return fmt.Errorf("webdavstore: ping: %s", resp.Status)
	}
	return nil
}
