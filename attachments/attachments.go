// Package attachments keeps the bytes of uploaded attachments (and other large
// blobs such as queued outgoing messages) where every instance of the webmail
// cluster can reach them.
//
// A Store is a small key/value interface over streams: bytes go in through an
// io.Reader and come out through an io.ReadCloser, so no backend ever holds a
// whole object in memory. Backends register themselves by name, like
// database/sql drivers, and are opened with Open. The built-in backends are
//
//   - "fs": files under a directory (shared storage such as NFS for a cluster),
//   - "s3": an S3 or MinIO bucket,
//   - "sql": chunked rows in the primary SQL database,
//   - "redundant": several of the above at once.
//
// Every backend must pass the conformance suite in package attachmentstest.
package attachments

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"time"
)

// Store keeps attachment bytes under opaque keys.
//
// Implementations must be safe for concurrent use by many goroutines and by
// many processes sharing the same backend, and must validate every key with
// ValidKey before touching the backend.
type Store interface {
	// Put streams r into key. size is the length if known, or -1. When size
	// is not -1 and r yields a different number of bytes, Put fails with
	// ErrSizeMismatch and leaves any previous object untouched. Put replaces
	// an existing object atomically: readers see the old or the new bytes,
	// never a mix. An empty contentType is stored as DefaultContentType.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	// Get streams the object. The caller closes the reader. The reader may
	// keep using ctx while it is read, so ctx must outlive the reading.
	Get(ctx context.Context, key string) (io.ReadCloser, Info, error)
	// Stat describes the object without reading it.
	Stat(ctx context.Context, key string) (Info, error)
	// Delete removes key; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// Ping reports whether the backend answers (used by /readyz).
	Ping(ctx context.Context) error
}

// Sweeper is an optional ability of a Store: removing what interrupted writes
// left behind (temporary files, chunks of a Put whose process died). It is
// meant for the cluster-wide cleanup job. olderThan must be longer than the
// longest Put can take, or Sweep may remove the data of a Put still running.
type Sweeper interface {
	// Sweep removes leftovers older than olderThan and reports how many
	// items (files, chunk generations, multipart uploads) it removed.
	Sweep(ctx context.Context, olderThan time.Duration) (removed int, err error)
}

// Info describes a stored object.
type Info struct {
	// Key is the key the object was stored under.
	Key string
	// Size is the length of the object in bytes.
	Size int64
	// ContentType is the MIME type given to Put (DefaultContentType if none).
	ContentType string
	// Modified is when the object was last written.
	Modified time.Time
}

// DefaultContentType is stored when Put is given an empty content type, so
// every backend reports the same thing for the same upload.
const DefaultContentType = "application/octet-stream"

// MaxContentTypeLength is the longest content type a Store accepts; it is the
// width of the content type column of the sql backend.
const MaxContentTypeLength = 255

var (
	// ErrNotFound is returned when a key has no object.
	ErrNotFound = errors.New("attachments: not found")
	// ErrInvalidKey is returned for a key that ValidKey rejects.
	ErrInvalidKey = errors.New("attachments: invalid key")
	// ErrInvalidContentType is returned by Put for a content type that is
	// too long or contains control characters (it ends up in HTTP headers).
	ErrInvalidContentType = errors.New("attachments: invalid content type")
	// ErrSizeMismatch is returned by Put when the reader yields more or
	// fewer bytes than the size it was given.
	ErrSizeMismatch = errors.New("attachments: size does not match content")
	// ErrChanged is returned by a reader from Get when the object was
	// replaced or deleted while it was being read and the backend cannot
	// finish the old version (the sql backend). The bytes already read were
	// all from one version; the caller should retry.
	ErrChanged = errors.New("attachments: object changed while reading")
	// ErrUnknownBackend is returned by Open for a name no backend registered.
	ErrUnknownBackend = errors.New("attachments: unknown backend")
)

// Config is what a backend gets when opened.
type Config struct {
	// Settings are backend settings from WEBMAIL_ATTACHMENTS_* variables,
	// lower-cased with the prefix removed: WEBMAIL_ATTACHMENTS_BUCKET ->
	// "bucket". A nil map means no settings.
	Settings map[string]string
	// DataDir is WEBMAIL_DATA, for backends with a local default.
	DataDir string
	// DB is the primary SQL pool, for backends that keep bytes in SQL.
	DB *sql.DB
	// Dialect is the SQL dialect of DB: "sqlite" or "mysql".
	Dialect string
	// Plugins are the WEBMAIL_PLUGIN_* variables by full name, for
	// backends that are plugins with settings of their own (read them
	// with plugins.SettingsOf). A nil map means none.
	Plugins map[string]string
}

// setting returns the named setting, or def when it is missing or empty.
func (c Config) setting(name, def string) string {
	if v := c.Settings[name]; v != "" {
		return v
	}
	return def
}

// Factory opens a Store from its configuration.
type Factory func(ctx context.Context, cfg Config) (Store, error)
