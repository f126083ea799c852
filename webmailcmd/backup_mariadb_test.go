package webmailcmd

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/store"
)

// mariadbOptionFile writes a client option file for m's application
// user, as BACKUP.md advises: the password stays out of the command line.
func mariadbOptionFile(t *testing.T, m *testenv.MariaDB) string {
	t.Helper()
	host, port, err := net.SplitHostPort(m.PrimaryAddr)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "client.cnf")
	body := "[client]\nuser=" + m.User + "\npassword=" + m.Password + "\nhost=" + host + "\nport=" + port + "\nprotocol=tcp\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestMariaDBDumpRestore dumps the database with mariadb-dump
// --single-transaction while writers save drafts with uploads, queue
// messages, delete uploads, change settings and add identities (the
// attachments in the "sql" backend, so the dump holds every byte), loads
// the dump into a fresh database, and checks it through the store as
// TestSQLiteBackupUnderWriteLoad does; then a real `webmail serve` on the
// fresh database shows a user's restored setting after login.
func TestMariaDBDumpRestore(t *testing.T) {
	ctx := context.Background()
	dump, err := exec.LookPath("mariadb-dump")
	if err != nil {
		t.Fatalf("mariadb-dump: %v (bash internal/testenv/install-deps.sh installs it)", err)
	}
	client, err := exec.LookPath("mariadb")
	if err != nil {
		t.Fatalf("mariadb: %v", err)
	}
	mailSrv := testenv.NewMail(t)
	email, password := mailSrv.AddUser(t)
	src := testenv.NewMariaDB(t)
	db, err := store.Open(store.Options{WriteDSN: src.PrimaryDSN})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	objects, err := attachments.Open(ctx, "sql", attachments.Config{DB: db.Write(), Dialect: "mysql"})
	if err != nil {
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
	if err := db.SetPref(ctx, users[0].ID, "mark_read_delay", "23"); err != nil {
		t.Fatal(err)
	}

	var phase backupPhase
	stop := make(chan struct{})
	loaded := make(chan *backupLoad)
	go func() { loaded <- runWriters(ctx, db, objects, users, 4, &phase, stop) }()
	// Two seconds of writes first: a dump big enough to take a while.
	time.Sleep(2 * time.Second)
	dumpFile := filepath.Join(t.TempDir(), "webmail.sql")
	out, err := os.Create(dumpFile)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(dump, "--defaults-extra-file="+mariadbOptionFile(t, src),
		"--single-transaction", "--no-tablespaces", "--hex-blob", src.Database)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = out, &stderr
	phase.began.Store(true)
	err = cmd.Run()
	phase.ended.Store(true)
	out.Close()
	time.Sleep(500 * time.Millisecond)
	close(stop)
	load := <-loaded
	if err != nil {
		t.Fatalf("mariadb-dump: %v\n%s", err, stderr.String())
	}
	if len(load.errs) > 0 {
		t.Fatalf("writers failed during the dump: %v", load.errs)
	}
	info, _ := os.Stat(dumpFile)
	t.Logf("%d writes during the test; dump %d bytes", load.ops.Load(), info.Size())

	dst := testenv.NewMariaDB(t)
	in, err := os.Open(dumpFile)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	restore := exec.Command(client, "--defaults-extra-file="+mariadbOptionFile(t, dst), dst.Database)
	restore.Stdin = in
	if got, err := restore.CombinedOutput(); err != nil {
		t.Fatalf("mariadb < dump: %v\n%s", err, got)
	}
	rdb, err := store.Open(store.Options{WriteDSN: dst.PrimaryDSN, ReadDSNs: []string{dst.ReplicaDSN}})
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	if err := rdb.CheckSchema(ctx); err != nil {
		t.Fatal(err)
	}
	robjects, err := attachments.Open(ctx, "sql", attachments.Config{DB: rdb.Write(), Dialect: "mysql"})
	if err != nil {
		t.Fatal(err)
	}
	before, during, after := checkRestored(ctx, t, rdb, robjects, load)
	checkStraddled(t, before, during, after)

	bin := buildBinary(t)
	base := startWebmail(t, bin, []string{
		"WEBMAIL_IMAP=imap://" + mailSrv.IMAPAddr,
		"WEBMAIL_SMTP=smtp://" + mailSrv.SubmissionAddr,
		"WEBMAIL_SECRET=backup-test-secret-0123456789abcdef",
		"WEBMAIL_DATA=" + t.TempDir(),
		"WEBMAIL_DB_WRITE=" + dst.PrimaryDSN,
		"WEBMAIL_DB_READ=" + dst.ReplicaDSN,
		"WEBMAIL_SESSION_STORE=sql",
		"WEBMAIL_ATTACHMENTS=sql",
	})
	c := newClient(t)
	if resp, _ := login(t, c, base, email, password); resp.StatusCode != http.StatusOK {
		t.Fatalf("login on the restored instance: %d", resp.StatusCode)
	}
	resp, doc := getDoc(t, c, base+"/settings")
	if got, _ := doc.Find(`input[name="mark_read_delay"]`).Attr("value"); resp.StatusCode != http.StatusOK || got != "23" {
		t.Fatalf("settings on the restored instance: status %d, mark_read_delay %q; want 200, 23", resp.StatusCode, got)
	}
}
