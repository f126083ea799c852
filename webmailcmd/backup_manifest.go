package webmailcmd

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// The layout of a backup directory (`webmail backup`): the database copy,
// one file per attachment object named after its SHA-256 (two uploads of
// the same bytes are stored once; keys need no escaping), and the manifest,
// written last, so a directory without one is an unfinished backup.
const (
	backupManifestName = "manifest.json"
	backupDatabaseName = "webmail.db"
	backupObjectsDir   = "objects"
	backupFormat       = 1
)

// backupManifest says what a backup holds and how to check it.
type backupManifest struct {
	Format        int            `json:"format"`
	Created       time.Time      `json:"created"`
	SchemaVersion int            `json:"schema_version"`
	Database      backupFile     `json:"database"`
	Objects       []backupObject `json:"objects"`
	// Vanished are keys the database copy referred to that were deleted
	// before they could be copied; the rows needing them were deleted from
	// the copy (store.TrimBackupCopy), as the live system had done.
	Vanished []string `json:"vanished,omitempty"`
}

// backupFile is one file of the backup, relative to its directory.
type backupFile struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// backupObject is one attachment-store object and the file holding it.
type backupObject struct {
	Key         string `json:"key"`
	ContentType string `json:"content_type"`
	backupFile
}

// objectPath is where an object with this digest is kept in a backup.
func objectPath(digest string) string {
	return filepath.ToSlash(filepath.Join(backupObjectsDir, digest[:2], digest))
}

// hashFile reads a file of the backup and describes it.
func hashFile(dir, rel string) (backupFile, error) {
	f, err := os.Open(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		return backupFile{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return backupFile{}, err
	}
	return backupFile{Path: rel, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// writeManifest writes the manifest atomically and durably: it is what
// marks the backup complete.
func writeManifest(dir string, m backupManifest) error {
	body, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, backupManifestName+".tmp")
	if err := writeFileSync(tmp, body); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, backupManifestName)); err != nil {
		return err
	}
	return syncDir(dir)
}

// readManifest reads a backup's manifest.
func readManifest(dir string) (backupManifest, error) {
	var m backupManifest
	body, err := os.ReadFile(filepath.Join(dir, backupManifestName))
	if errors.Is(err, os.ErrNotExist) {
		return m, fmt.Errorf("%s has no %s: not a backup, or an unfinished one", dir, backupManifestName)
	}
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return m, fmt.Errorf("%s: %w", backupManifestName, err)
	}
	if m.Format != backupFormat {
		return m, fmt.Errorf("%s: format %d, this binary reads %d", backupManifestName, m.Format, backupFormat)
	}
	return m, nil
}

// verifyBackup checks every file the manifest lists against its size and
// SHA-256, so a restore never starts from damaged or partial files.
func verifyBackup(dir string, m backupManifest) error {
	files := []backupFile{m.Database}
	for _, o := range m.Objects {
		files = append(files, o.backupFile)
	}
	var errs []error
	for _, want := range files {
		if !filepath.IsLocal(filepath.FromSlash(want.Path)) {
			errs = append(errs, fmt.Errorf("%s: a path outside the backup", want.Path))
			continue
		}
		got, err := hashFile(dir, want.Path)
		switch {
		case err != nil:
			errs = append(errs, err)
		case got != want:
			errs = append(errs, fmt.Errorf("%s: %d bytes with SHA-256 %s, the manifest says %d bytes with %s",
				want.Path, got.Size, got.SHA256, want.Size, want.SHA256))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("the backup in %s does not match its manifest:\n%w", dir, errors.Join(errs...))
	}
	return nil
}

// writeFileSync writes a new file and syncs it to disk.
func writeFileSync(path string, body []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(body); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes the entries just created in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// emptyDir reports whether dir is missing or has no entries.
func emptyDir(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return len(entries) == 0, nil
}
