package webmailcmd

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/webmail/webmail/config"
	"github.com/webmail/webmail/store"
)

func runRestore(args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("restore", flag.ContinueOnError)
	flags.SetOutput(stderr)
	force := flags.Bool("force", false, "restore into a WEBMAIL_DATA that is not empty, replacing its database")
	flags.Usage = func() {
		fmt.Fprintln(stdout, "Usage: webmail restore [--force] <dir>")
		fmt.Fprintln(stdout)
		fmt.Fprintln(stdout, "Checks the backup made by `webmail backup` in <dir> against its manifest, then")
		fmt.Fprintln(stdout, "restores the SQLite database into WEBMAIL_DATA and the attachment objects into")
		fmt.Fprintln(stdout, "the configured attachment store. WEBMAIL_DATA must be empty unless --force;")
		fmt.Fprintln(stdout, "stop every instance first. Start them with the same WEBMAIL_SECRET as before.")
		fmt.Fprintln(stdout)
		flags.SetOutput(stdout)
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if flags.NArg() != 1 {
		flags.Usage()
		return errors.New("restore: give one directory")
	}
	cfg, err := loadConfig()
	if err != nil {
		return err
	}
	if cfg.DBWrite != "" {
		return errors.New("restore: WEBMAIL_DB_WRITE is set: restore MySQL/MariaDB with its own tools (BACKUP.md)")
	}
	m, err := restoreBackup(context.Background(), flags.Arg(0), cfg, *force)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored the database (schema version %d) and %d attachment object(s) into %s\n",
		m.SchemaVersion, len(m.Objects), cfg.DataDir)
	if latest, err := store.LatestSchemaVersion(store.SQLite); err == nil && m.SchemaVersion < latest {
		fmt.Fprintf(stdout, "the backup's schema is older than this binary's (version %d): run `webmail migrate` before serving\n", latest)
	}
	return nil
}

// restoreBackup verifies the backup in dir and restores it into the data
// directory and attachment store cfg names.
func restoreBackup(ctx context.Context, dir string, cfg config.Config, force bool) (backupManifest, error) {
	m, err := readManifest(dir)
	if err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	if err := verifyBackup(dir, m); err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	latest, err := store.LatestSchemaVersion(store.SQLite)
	if err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	if m.SchemaVersion > latest {
		return m, fmt.Errorf("restore: the backup's schema version %d is newer than this binary's %d: restore with the release that made it", m.SchemaVersion, latest)
	}
	if empty, err := emptyDir(cfg.DataDir); err != nil {
		return m, fmt.Errorf("restore: %w", err)
	} else if !empty && !force {
		return m, fmt.Errorf("restore: %s is not empty (--force replaces its database)", cfg.DataDir)
	}
	if err := restoreDatabase(dir, sqlitePath(cfg)); err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	db, objects, err := openEmbedded(ctx, cfg)
	if err != nil {
		return m, fmt.Errorf("restore: %w", err)
	}
	defer db.Close()
	for _, o := range m.Objects {
		f, err := os.Open(filepath.Join(dir, filepath.FromSlash(o.Path)))
		if err != nil {
			return m, fmt.Errorf("restore: %w", err)
		}
		err = objects.Put(ctx, o.Key, f, o.Size, o.ContentType)
		f.Close()
		if err != nil {
			return m, fmt.Errorf("restore: object %q: %w", o.Key, err)
		}
	}
	return m, nil
}

// restoreDatabase puts the backup's database file at target, replacing the
// file and its WAL: a WAL left beside a replaced file would be replayed
// into it.
func restoreDatabase(dir, target string) error {
	if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
		return err
	}
	src, err := os.Open(filepath.Join(dir, backupDatabaseName))
	if err != nil {
		return err
	}
	defer src.Close()
	tmp, err := os.CreateTemp(filepath.Dir(target), ".restore-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	_, err = io.Copy(tmp, src)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	for _, stale := range []string{target + "-wal", target + "-shm"} {
		if err := os.Remove(stale); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return err
	}
	return syncDir(filepath.Dir(target))
}
