package webmailcmd

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/config"
	"github.com/webmail/webmail/store"
)

func runBackup(args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("backup", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprintln(stdout, "Usage: webmail backup <dir>")
		fmt.Fprintln(stdout)
		fmt.Fprintln(stdout, "Backs up the embedded SQLite database in WEBMAIL_DATA and the attachment")
		fmt.Fprintln(stdout, "objects it refers to (uploads of open drafts, messages waiting to be sent)")
		fmt.Fprintln(stdout, "into <dir>, which must be new or empty, with a manifest of sizes and SHA-256.")
		fmt.Fprintln(stdout, "Instances may go on serving meanwhile. WEBMAIL_SECRET is not in the backup:")
		fmt.Fprintln(stdout, "keep it apart (BACKUP.md). For MySQL/MariaDB use mariadb-backup or")
		fmt.Fprintln(stdout, "mariadb-dump --single-transaction instead.")
	}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if flags.NArg() != 1 {
		flags.Usage()
		return errors.New("backup: give one directory")
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	if cfg.DBWrite != "" {
		return errors.New("backup: WEBMAIL_DB_WRITE is set: back up MySQL/MariaDB with mariadb-backup or mariadb-dump --single-transaction (BACKUP.md)")
	}
	ctx := context.Background()
	db, objects, err := openEmbedded(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	m, err := takeBackup(ctx, sqlitePath(cfg), objects, flags.Arg(0))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up the database (schema version %d, %d bytes) and %d attachment object(s) into %s\n",
		m.SchemaVersion, m.Database.Size, len(m.Objects), flags.Arg(0))
	if len(m.Vanished) > 0 {
		fmt.Fprintf(stdout, "%d object(s) were deleted while the backup ran; the rows needing them are not in the backup\n", len(m.Vanished))
	}
	return nil
}

// sqlitePath is the embedded database's file.
func sqlitePath(cfg config.Config) string { return filepath.Join(cfg.DataDir, "webmail.db") }

// openEmbedded opens the SQLite database and the configured attachment
// store, as an instance would.
func openEmbedded(ctx context.Context, cfg config.Config) (*store.DB, attachments.Store, error) {
	db, err := openDB(cfg)
	if err != nil {
		return nil, nil, err
	}
	objects, err := attachments.Open(ctx, cfg.Attachments, attachments.Config{
		Settings: cfg.AttachmentSettings,
		DataDir:  cfg.DataDir,
		DB:       db.Write(),
		Dialect:  string(db.Dialect()),
		Plugins:  cfg.PluginSettings, // a plugin's store (encrypt) reads its settings here
	})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, objects, nil
}

// takeBackup backs up the SQLite database at dbPath and the objects its
// rows need into dir. The database is copied first, in one consistent
// snapshot; the objects its copy refers to are copied next. Rows go
// before their objects in the live system (an object is written before
// its row, and deleted after it), so every object the snapshot refers to
// exists when the snapshot is taken; one deleted before it could be copied
// belongs to rows the live system has since deleted, and those rows are
// deleted from the copy too.
func takeBackup(ctx context.Context, dbPath string, objects attachments.Store, dir string) (backupManifest, error) {
	m := backupManifest{Format: backupFormat, Created: time.Now().UTC()}
	if empty, err := emptyDir(dir); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	} else if !empty {
		return m, fmt.Errorf("backup: %s is not empty", dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	copyPath := filepath.Join(dir, backupDatabaseName)
	if err := store.SnapshotSQLite(ctx, dbPath, copyPath); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	if err := backupObjects(ctx, copyPath, objects, dir, &m); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	// The copy was opened like any SQLite database (WAL mode); closing its
	// last connection checkpointed the WAL into the file and emptied it.
	if info, err := os.Stat(copyPath + "-wal"); err == nil && info.Size() > 0 {
		return m, fmt.Errorf("backup: %s-wal was left behind: the copy is incomplete", copyPath)
	}
	os.Remove(copyPath + "-wal")
	os.Remove(copyPath + "-shm")
	if err := syncTree(dir); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	db, err := hashFile(dir, backupDatabaseName)
	if err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	m.Database = db
	if err := writeManifest(dir, m); err != nil {
		return m, fmt.Errorf("backup: %w", err)
	}
	return m, nil
}

// backupObjects copies the objects the database copy at copyPath refers
// to and records them in m, then trims the copy: no sessions, no rows
// whose objects vanished meanwhile (store.TrimBackupCopy).
func backupObjects(ctx context.Context, copyPath string, objects attachments.Store, dir string, m *backupManifest) error {
	snapshot, err := store.Open(store.Options{SQLitePath: copyPath})
	if err != nil {
		return err
	}
	defer snapshot.Close()
	if m.SchemaVersion, _, err = snapshot.SchemaVersion(ctx); err != nil {
		return err
	}
	refs, err := snapshot.ReferencedObjects(ctx)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, ref := range refs {
		if seen[ref.Key] {
			continue
		}
		seen[ref.Key] = true
		obj, err := copyObject(ctx, objects, ref.Key, dir)
		if errors.Is(err, attachments.ErrNotFound) {
			m.Vanished = append(m.Vanished, ref.Key)
			continue
		}
		if err != nil {
			return err
		}
		m.Objects = append(m.Objects, obj)
	}
	_, err = snapshot.TrimBackupCopy(ctx, m.Vanished)
	return err
}

// copyObject streams one object into the backup under its digest.
func copyObject(ctx context.Context, objects attachments.Store, key, dir string) (backupObject, error) {
	r, info, err := objects.Get(ctx, key)
	if err != nil {
		return backupObject{}, err
	}
	defer r.Close()
	tmp, err := os.CreateTemp(dir, ".object-*")
	if err != nil {
		return backupObject{}, err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	h := sha256.New()
	// Synced with the whole tree before the manifest is written (syncTree).
	n, err := io.Copy(io.MultiWriter(tmp, h), r)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return backupObject{}, fmt.Errorf("object %q: %w", key, err)
	}
	digest := hex.EncodeToString(h.Sum(nil))
	rel := objectPath(digest)
	target := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return backupObject{}, err
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return backupObject{}, err
	}
	return backupObject{Key: key, ContentType: info.ContentType, backupFile: backupFile{Path: rel, Size: n, SHA256: digest}}, nil
}

// syncTree flushes every file and directory under dir to disk: the
// database file SQLite wrote and the objects' directories.
func syncTree(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		return f.Sync()
	})
}
