package attachments

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func init() {
	Register("fs", openFS)
}

// FS is the "fs" backend: one file per object under a directory. For a
// cluster the directory must be shared storage (NFS or similar) that
// supports atomic rename within a directory.
//
// Layout: key "a/b/c" is stored in the file <dir>/a/b/c~ . The '~' suffix,
// which keys cannot contain, keeps object files apart from the directories
// that other keys need ("a/b" as an object and "a/b/c" can coexist).
// Temporary files are named ".~<random>~tmp" in the target's directory and
// renamed into place once complete and synced, so readers see the old or the
// new file, never a partial one; an open reader keeps reading the version it
// opened. Sweep removes temporary files a crash left behind.
//
// File format: the 4 bytes "WMA1", a big-endian uint32 length n, n bytes of
// JSON header ({"content_type": "..."}), then the object's bytes. Keeping the
// content type in the same file (rather than a sidecar file or an xattr)
// makes the rename replace bytes and metadata in one atomic step and works on
// every filesystem. The modification time is the file's mtime.
//
// Settings: "dir", default <DataDir>/attachments. The directory is created if
// missing. Empty directories left by Delete are removed by Sweep.
type FS struct {
	dir string
}

var _ Store = (*FS)(nil)
var _ Sweeper = (*FS)(nil)

const (
	fsObjectSuffix = "~"
	fsTempPattern  = ".~*~tmp"
	fsTempSuffix   = "~tmp"
	fsMagic        = "WMA1"
	fsMaxHeader    = 64 << 10
	fsPrefixLength = len(fsMagic) + 4
)

// fsHeader is the JSON header at the start of every object file.
type fsHeader struct {
	ContentType string `json:"content_type"`
}

// openFS is the Factory of the "fs" backend.
func openFS(_ context.Context, cfg Config) (Store, error) {
	dir := cfg.setting("dir", "")
	if dir == "" {
		if cfg.DataDir == "" {
			return nil, errors.New("attachments: fs: neither setting dir nor DataDir is set")
		}
		dir = filepath.Join(cfg.DataDir, "attachments")
	}
	return NewFS(dir)
}

// NewFS returns an FS backend storing files under dir, creating dir if needed.
func NewFS(dir string) (*FS, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("attachments: fs: %w", err)
	}
	if err := os.MkdirAll(abs, 0o750); err != nil {
		return nil, fmt.Errorf("attachments: fs: %w", err)
	}
	return &FS{dir: abs}, nil
}

// path returns the file that holds key, which must be valid.
func (s *FS) path(key string) string {
	return filepath.Join(s.dir, filepath.FromSlash(key)) + fsObjectSuffix
}

// Put implements Store.
func (s *FS) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	contentType, err := checkPut(key, size, contentType)
	if err != nil {
		return err
	}
	header, err := json.Marshal(fsHeader{ContentType: contentType})
	if err != nil {
		return fmt.Errorf("attachments: fs: put %q: %w", key, err)
	}
	target := s.path(key)
	tmp, err := s.createTemp(filepath.Dir(target))
	if err != nil {
		return fmt.Errorf("attachments: fs: put %q: %w", key, err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()

	prefix := make([]byte, fsPrefixLength, fsPrefixLength+len(header))
	copy(prefix, fsMagic)
	binary.BigEndian.PutUint32(prefix[len(fsMagic):], uint32(len(header)))
	if _, err := tmp.Write(append(prefix, header...)); err != nil {
		return fmt.Errorf("attachments: fs: put %q: %w", key, err)
	}
	if _, err := io.Copy(tmp, contextReader{ctx: ctx, r: newExactReader(r, size)}); err != nil {
		return fmt.Errorf("attachments: fs: put %q: %w", key, err)
	}
	// Sync before rename: otherwise a crash can leave the new name pointing
	// at a file whose data never reached the disk.
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("attachments: fs: put %q: %w", key, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("attachments: fs: put %q: %w", key, err)
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		os.Remove(tmp.Name())
		done = true
		return fmt.Errorf("attachments: fs: put %q: %w", key, err)
	}
	done = true
	if err := syncDir(filepath.Dir(target)); err != nil {
		return fmt.Errorf("attachments: fs: put %q: %w", key, err)
	}
	return nil
}

// createTemp creates a temporary file in dir, creating dir first. It retries
// because Sweep may remove an empty directory between the two steps.
func (s *FS) createTemp(dir string) (*os.File, error) {
	var err error
	for range 3 {
		if err = os.MkdirAll(dir, 0o750); err != nil {
			continue
		}
		var f *os.File
		if f, err = os.CreateTemp(dir, fsTempPattern); err == nil {
			return f, nil
		}
	}
	return nil, err
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

// Get implements Store.
func (s *FS) Get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	if err := ValidKey(key); err != nil {
		return nil, Info{}, err
	}
	f, info, err := s.open(key)
	if err != nil {
		return nil, Info{}, err
	}
	// The file is positioned at the first byte of the object.
	return f, info, nil
}

// Stat implements Store.
func (s *FS) Stat(ctx context.Context, key string) (Info, error) {
	if err := ValidKey(key); err != nil {
		return Info{}, err
	}
	f, info, err := s.open(key)
	if err != nil {
		return Info{}, err
	}
	f.Close()
	return info, nil
}

// open opens key's file and reads its header, leaving the file positioned at
// the object's first byte.
func (s *FS) open(key string) (*os.File, Info, error) {
	f, err := os.Open(s.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, Info{}, fmt.Errorf("attachments: fs: %q: %w", key, ErrNotFound)
	}
	if err != nil {
		return nil, Info{}, fmt.Errorf("attachments: fs: %q: %w", key, err)
	}
	info, err := readFSHeader(f, key)
	if err != nil {
		f.Close()
		return nil, Info{}, fmt.Errorf("attachments: fs: %q: %w", key, err)
	}
	return f, info, nil
}

// readFSHeader reads the header of an object file and describes the object.
func readFSHeader(f *os.File, key string) (Info, error) {
	st, err := f.Stat()
	if err != nil {
		return Info{}, err
	}
	var prefix [fsPrefixLength]byte
	if _, err := io.ReadFull(f, prefix[:]); err != nil {
		return Info{}, fmt.Errorf("reading header: %w", err)
	}
	if string(prefix[:len(fsMagic)]) != fsMagic {
		return Info{}, errors.New("not an attachment file (bad magic)")
	}
	n := int64(binary.BigEndian.Uint32(prefix[len(fsMagic):]))
	if n > fsMaxHeader || int64(fsPrefixLength)+n > st.Size() {
		return Info{}, fmt.Errorf("corrupt header length %d", n)
	}
	raw := make([]byte, n)
	if _, err := io.ReadFull(f, raw); err != nil {
		return Info{}, fmt.Errorf("reading header: %w", err)
	}
	var header fsHeader
	if err := json.Unmarshal(raw, &header); err != nil {
		return Info{}, fmt.Errorf("decoding header: %w", err)
	}
	return Info{
		Key:         key,
		Size:        st.Size() - int64(fsPrefixLength) - n,
		ContentType: header.ContentType,
		Modified:    st.ModTime(),
	}, nil
}

// Delete implements Store.
func (s *FS) Delete(ctx context.Context, key string) error {
	if err := ValidKey(key); err != nil {
		return err
	}
	err := os.Remove(s.path(key))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("attachments: fs: delete %q: %w", key, err)
	}
	return nil
}

// Ping implements Store: it checks that the directory is writable.
func (s *FS) Ping(ctx context.Context) error {
	f, err := os.CreateTemp(s.dir, fsTempPattern)
	if err != nil {
		return fmt.Errorf("attachments: fs: ping: %w", err)
	}
	name := f.Name()
	_, werr := f.Write([]byte("ping"))
	cerr := f.Close()
	rerr := os.Remove(name)
	if err := errors.Join(werr, cerr, rerr); err != nil {
		return fmt.Errorf("attachments: fs: ping: %w", err)
	}
	return nil
}

// Sweep implements Sweeper: it removes temporary files and empty directories
// older than olderThan.
func (s *FS) Sweep(ctx context.Context, olderThan time.Duration) (int, error) {
	cutoff := time.Now().Add(-olderThan)
	removed := 0
	var dirs []string
	err := filepath.WalkDir(s.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // removed under our feet by a concurrent Delete or Sweep
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			if path != s.dir {
				dirs = append(dirs, path)
			}
			return nil
		}
		if !strings.HasSuffix(d.Name(), fsTempSuffix) {
			return nil
		}
		info, err := d.Info()
		if err != nil || !info.ModTime().Before(cutoff) {
			return nil
		}
		if err := os.Remove(path); err == nil {
			removed++
		}
		return nil
	})
	if err != nil {
		return removed, fmt.Errorf("attachments: fs: sweep: %w", err)
	}
	// Deepest first, so a parent emptied by removing its children goes too.
	// os.Remove refuses non-empty directories, which is what keeps this safe.
	for i := len(dirs) - 1; i >= 0; i-- {
		if info, err := os.Stat(dirs[i]); err != nil || !info.ModTime().Before(cutoff) {
			continue
		}
		if err := os.Remove(dirs[i]); err == nil {
			removed++
		}
	}
	return removed, nil
}

// contextReader stops a copy once ctx is done.
type contextReader struct {
	ctx context.Context
	r   io.Reader
}

// Read implements io.Reader.
func (c contextReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
