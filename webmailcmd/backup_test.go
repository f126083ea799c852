package webmailcmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/config"
	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/store"
)

// openDataDir opens a data directory's SQLite database and fs attachment
// store as an instance with the default configuration would.
func openDataDir(t *testing.T, dataDir string) (*store.DB, attachments.Store) {
	t.Helper()
	db, err := store.Open(store.Options{SQLitePath: filepath.Join(dataDir, "webmail.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	objects, err := attachments.NewFS(filepath.Join(dataDir, "attachments"))
	if err != nil {
		t.Fatal(err)
	}
	return db, objects
}

// runCommand runs a webmail subcommand with env and returns its output.
func runCommand(bin string, env []string, args ...string) (string, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestSQLiteBackupUnderWriteLoad runs `webmail backup` on a data directory
// while writers save drafts with uploads, queue messages, delete uploads,
// change settings and add identities; `webmail restore` puts it into a
// fresh data directory, where the store has everything finished before
// the backup began, nothing started after it ended, and every object a
// row needs. A real `webmail serve` on the restored directory then shows a
// user's restored setting after login.
func TestSQLiteBackupUnderWriteLoad(t *testing.T) {
	ctx := context.Background()
	bin := buildBinary(t)
	mailSrv := testenv.NewMail(t)
	email, password := mailSrv.AddUser(t)
	live := t.TempDir()
	db, objects := openDataDir(t, live)
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var users []store.User
	for _, addr := range []string{email, "bert@example.test", "cleo@example.test"} {
		u, err := db.RecordLogin(ctx, addr)
		if err != nil {
			t.Fatal(err)
		}
		users = append(users, u)
	}
	if err := db.SetPref(ctx, users[0].ID, "mark_read_delay", "17"); err != nil {
		t.Fatal(err)
	}
	// Some bulk, so that the snapshot and the object copy take long
	// enough for the writers to interleave with them.
	var seed backupPhase
	stopSeed := make(chan struct{})
	time.AfterFunc(2*time.Second, func() { close(stopSeed) })
	if load := runWriters(ctx, db, objects, users, 2, &seed, stopSeed); len(load.errs) > 0 {
		t.Fatalf("seeding: %v", load.errs)
	}

	var phase backupPhase
	stop := make(chan struct{})
	loaded := make(chan *backupLoad)
	go func() { loaded <- runWriters(ctx, db, objects, users, 4, &phase, stop) }()
	time.Sleep(300 * time.Millisecond)
	backupDir := filepath.Join(t.TempDir(), "backup")
	phase.began.Store(true)
	began := time.Now()
	out, err := runCommand(bin, []string{"WEBMAIL_DATA=" + live}, "backup", backupDir)
	took := time.Since(began)
	phase.ended.Store(true)
	time.Sleep(300 * time.Millisecond)
	close(stop)
	load := <-loaded
	if err != nil {
		t.Fatalf("webmail backup: %v\n%s", err, out)
	}
	if len(load.errs) > 0 {
		t.Fatalf("writers failed during the backup: %v", load.errs)
	}
	m, err := readManifest(backupDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d writes during the test; backup in %s (process start included): %d objects, %d vanished, database %d bytes",
		load.ops.Load(), took.Round(time.Millisecond), len(m.Objects), len(m.Vanished), m.Database.Size)

	restored := filepath.Join(t.TempDir(), "restored")
	restoredEnv := []string{"WEBMAIL_DATA=" + restored}
	if out, err := runCommand(bin, restoredEnv, "restore", backupDir); err != nil {
		t.Fatalf("webmail restore: %v\n%s", err, out)
	}
	rdb, robjects := openDataDir(t, restored)
	if err := rdb.CheckSchema(ctx); err != nil {
		t.Fatal(err)
	}
	before, during, after := checkRestored(ctx, t, rdb, robjects, load)
	checkStraddled(t, before, during, after)
	rdb.Close()

	// Restoring again over it is refused without --force and done with
	// it; a damaged backup is refused before anything is written.
	if out, err := runCommand(bin, restoredEnv, "restore", backupDir); err == nil || !strings.Contains(out, "not empty") {
		t.Fatalf("restore into a non-empty directory: %v\n%s", err, out)
	}
	if out, err := runCommand(bin, restoredEnv, "restore", "--force", backupDir); err != nil {
		t.Fatalf("restore --force: %v\n%s", err, out)
	}
	if len(m.Objects) == 0 {
		t.Fatal("no objects in the backup")
	}
	damaged := filepath.Join(backupDir, filepath.FromSlash(m.Objects[0].Path))
	if err := os.WriteFile(damaged, []byte("bit rot"), 0o600); err != nil {
		t.Fatal(err)
	}
	fresh := filepath.Join(t.TempDir(), "fresh")
	if out, err := runCommand(bin, []string{"WEBMAIL_DATA=" + fresh}, "restore", backupDir); err == nil || !strings.Contains(out, "does not match its manifest") {
		t.Fatalf("restore of a damaged backup: %v\n%s", err, out)
	}
	if empty, _ := emptyDir(fresh); !empty {
		t.Fatal("a damaged backup was partly restored")
	}

	// A real instance serves the restored directory.
	base := startWebmail(t, bin, []string{
		"WEBMAIL_IMAP=imap://" + mailSrv.IMAPAddr,
		"WEBMAIL_SMTP=smtp://" + mailSrv.SubmissionAddr,
		"WEBMAIL_SECRET=backup-test-secret-0123456789abcdef",
		"WEBMAIL_DATA=" + restored,
		"WEBMAIL_SESSION_STORE=sql",
	})
	c := newClient(t)
	if resp, _ := login(t, c, base, email, password); resp.StatusCode != http.StatusOK {
		t.Fatalf("login on the restored instance: %d", resp.StatusCode)
	}
	resp, doc := getDoc(t, c, base+"/settings")
	if got, _ := doc.Find(`input[name="mark_read_delay"]`).Attr("value"); resp.StatusCode != http.StatusOK || got != "17" {
		t.Fatalf("settings on the restored instance: status %d, mark_read_delay %q; want 200, 17", resp.StatusCode, got)
	}
}

// TestBackupDropsRowsWhoseObjectVanished: an upload deleted between the
// snapshot and the copy of its bytes is not in the backup at all, neither
// row nor object, and the manifest names it. Sessions are left out too.
func TestBackupDropsRowsWhoseObjectVanished(t *testing.T) {
	ctx := context.Background()
	live := t.TempDir()
	db, objects := openDataDir(t, live)
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	user, err := db.RecordLogin(ctx, "anna@example.test")
	if err != nil {
		t.Fatal(err)
	}
	compose, err := db.CreateCompose(ctx, store.Compose{UserID: user.ID, Subject: "two attachments"})
	if err != nil {
		t.Fatal(err)
	}
	var uploads []store.Upload
	for i := range 2 {
		key := fmt.Sprintf("uploads/%s-%d", compose.ID, i)
		body := objectBytes(key)
		if err := objects.Put(ctx, key, bytes.NewReader(body), int64(len(body)), "text/plain"); err != nil {
			t.Fatal(err)
		}
		u, err := db.CreateUpload(ctx, store.Upload{UserID: user.ID, ComposeID: compose.ID, StoreKey: key, Filename: "a.txt", Size: int64(len(body))})
		if err != nil {
			t.Fatal(err)
		}
		uploads = append(uploads, u)
	}
	const sessionMarker = "sealed-session-bytes-7d1c0a"
	if err := db.SaveSessionData(ctx, "s1", []byte(sessionMarker), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	gone := uploads[1]
	hooked := &deleteBeforeGet{Store: objects, key: gone.StoreKey, before: func() {
		if _, err := db.DeleteUpload(ctx, gone.ID, user.ID); err != nil {
			t.Error(err)
		}
		if err := objects.Delete(ctx, gone.StoreKey); err != nil {
			t.Error(err)
		}
	}}
	dir := filepath.Join(t.TempDir(), "backup")
	m, err := takeBackup(ctx, filepath.Join(live, "webmail.db"), hooked, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Objects) != 1 || m.Objects[0].Key != uploads[0].StoreKey || len(m.Vanished) != 1 || m.Vanished[0] != gone.StoreKey {
		t.Fatalf("manifest objects %+v, vanished %v; want %s kept and %s vanished", m.Objects, m.Vanished, uploads[0].StoreKey, gone.StoreKey)
	}
	restored := filepath.Join(t.TempDir(), "restored")
	if _, err := restoreBackup(ctx, dir, config.Config{DataDir: restored, Attachments: "fs"}, false); err != nil {
		t.Fatal(err)
	}
	rdb, _ := openDataDir(t, restored)
	got, err := rdb.UploadsByCompose(ctx, compose.ID, user.ID)
	if err != nil || len(got) != 1 || got[0].ID != uploads[0].ID {
		t.Fatalf("restored uploads %+v, %v; want only %s", got, err, uploads[0].ID)
	}
	// Sessions are not in the backup, not even in the file's free pages.
	if _, err := rdb.SessionData(ctx, "s1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("restored session: %v, want ErrNotFound", err)
	}
	file, err := os.ReadFile(filepath.Join(dir, backupDatabaseName))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(file, []byte(sessionMarker)) {
		t.Fatal("the backup's database file still holds a session's bytes")
	}
}

// deleteBeforeGet runs before once, just before the first Get of key: a
// user removing an attachment (row, then object) between the backup's
// snapshot and its copy of the bytes, the race made to happen.
type deleteBeforeGet struct {
	attachments.Store
	key    string
	before func()
	done   bool
}

func (s *deleteBeforeGet) Get(ctx context.Context, key string) (io.ReadCloser, attachments.Info, error) {
	if key == s.key && !s.done {
		s.done = true
		s.before()
	}
	return s.Store.Get(ctx, key)
}

// TestBackupCommandRefusesMySQL: the command points a MySQL deployment at
// the database's own tools instead of copying anything.
func TestBackupCommandRefusesMySQL(t *testing.T) {
	bin := buildBinary(t)
	out, err := runCommand(bin, []string{"WEBMAIL_DB_WRITE=u:p@tcp(127.0.0.1:1)/x", "WEBMAIL_DATA=" + t.TempDir()}, "backup", t.TempDir())
	if err == nil || !strings.Contains(out, "mariadb-dump --single-transaction") {
		t.Fatalf("backup with WEBMAIL_DB_WRITE: %v, %q", err, out)
	}
}

// TestRestoreIntoS3: a backup of a single node with files restores into
// an S3 bucket when the configuration names one (BACKUP.md: a way to move
// a single node's attachments to S3), byte for byte.
func TestRestoreIntoS3(t *testing.T) {
	ctx := context.Background()
	live := t.TempDir()
	db, objects := openDataDir(t, live)
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	user, err := db.RecordLogin(ctx, "anna@example.test")
	if err != nil {
		t.Fatal(err)
	}
	var phase backupPhase
	load := &backupLoad{prefBefore: map[string]int{}}
	for i := range 6 {
		if err := load.writeOnce(ctx, db, objects, user, 0, i, &phase); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(t.TempDir(), "backup")
	if _, err := takeBackup(ctx, filepath.Join(live, "webmail.db"), objects, dir); err != nil {
		t.Fatal(err)
	}
	phase.began.Store(true)
	phase.ended.Store(true)
	if err := load.writeOnce(ctx, db, objects, user, 0, 6, &phase); err != nil {
		t.Fatal(err)
	}

	s3 := testenv.NewMinIO(t)
	settings := map[string]string{"endpoint": s3.Endpoint, "bucket": s3.NewBucket(t), "access_key": s3.AccessKey,
		"secret_key": s3.SecretKey, "secure": "false"}
	cfg := config.Config{DataDir: filepath.Join(t.TempDir(), "restored"), Attachments: "s3", AttachmentSettings: settings}
	if _, err := restoreBackup(ctx, dir, cfg, false); err != nil {
		t.Fatal(err)
	}
	rdb, bucket, err := openEmbedded(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	if before, during, after := checkRestored(ctx, t, rdb, bucket, load); before != 6 || during != 0 || after != 1 {
		t.Fatalf("composes before, during, after the backup: %d, %d, %d; want 6, 0, 1", before, during, after)
	}
}
