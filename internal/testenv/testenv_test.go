package testenv

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/smtp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/go-sql-driver/mysql"
	"github.com/minio/minio-go/v7"
	"github.com/redis/go-redis/v9"
)

func TestMain(m *testing.M) { Main(m) }

// openDB opens a DSN and closes it when the test ends.
func openDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMissingBinaryNamesInstallCommand(t *testing.T) {
	_, err := findBinary("wm-no-such-server", "wm-no-such-package")
	if err == nil {
		t.Fatal("findBinary found a binary that does not exist")
	}
	for _, want := range []string{"wm-no-such-server not found", `run "make test-deps"`, "apt-get install -y wm-no-such-package"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestMariaDBReplicates(t *testing.T) {
	start := time.Now()
	m := NewMariaDB(t)
	t.Logf("NewMariaDB (first call starts both servers): %s", time.Since(start))

	primary := openDB(t, m.PrimaryDSN)
	replica := openDB(t, m.ReplicaDSN)
	if _, err := primary.Exec("CREATE TABLE notes (id INT PRIMARY KEY, body TEXT); INSERT INTO notes VALUES (1, 'héllo ✉')"); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	m.WaitReplicated(t)
	t.Logf("WaitReplicated: %s", time.Since(start))
	var body string
	if err := replica.QueryRow("SELECT body FROM notes WHERE id = 1").Scan(&body); err != nil {
		t.Fatal(err)
	}
	if body != "héllo ✉" {
		t.Errorf("replica has %q", body)
	}

	_, err := replica.Exec("INSERT INTO notes VALUES (2, 'on the replica')")
	var myErr *mysql.MySQLError
	if !errors.As(err, &myErr) || myErr.Number != 1290 {
		t.Errorf("write on the read-only replica: got %v, want error 1290", err)
	}

	// A second database is fresh and its user cannot reach the first.
	start = time.Now()
	other := NewMariaDB(t)
	t.Logf("NewMariaDB (second call): %s", time.Since(start))
	if other.Database == m.Database || other.User == m.User {
		t.Fatalf("second database reuses %s/%s", other.Database, other.User)
	}
	otherDB := openDB(t, other.PrimaryDSN)
	var tables int
	if err := otherDB.QueryRow("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()").Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("fresh database has %d tables", tables)
	}
	if _, err := otherDB.Exec("SELECT * FROM `" + m.Database + "`.notes"); err == nil {
		t.Error("a test's user can read another test's database")
	}

	root := openDB(t, m.RootPrimaryDSN())
	var user string
	if err := root.QueryRow("SELECT CURRENT_USER()").Scan(&user); err != nil || user != "root@localhost" {
		t.Errorf("RootPrimaryDSN: user %q, %v", user, err)
	}
}

func TestMariaDBReplicaStopStart(t *testing.T) {
	m := NewMariaDB(t)
	primary := openDB(t, m.PrimaryDSN)
	if _, err := primary.Exec("CREATE TABLE counters (id INT PRIMARY KEY, n INT)"); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	m.StopReplica(t)
	t.Logf("StopReplica: %s", time.Since(start))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start = time.Now()
	if err := openDB(t, m.ReplicaDSN).PingContext(ctx); err == nil {
		t.Fatal("stopped replica still answers")
	} else {
		t.Logf("stopped replica: %v after %s", err, time.Since(start))
	}

	if _, err := primary.Exec("INSERT INTO counters VALUES (1, 42)"); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	m.StartReplica(t)
	t.Logf("StartReplica: %s", time.Since(start))
	m.WaitReplicated(t)
	var n int
	if err := openDB(t, m.ReplicaDSN).QueryRow("SELECT n FROM counters WHERE id = 1").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 42 {
		t.Errorf("replica has n=%d after restart, want 42", n)
	}
}

func TestRedisRestart(t *testing.T) {
	start := time.Now()
	r := NewRedis(t)
	t.Logf("NewRedis: %s", time.Since(start))
	ctx := context.Background()
	client := redis.NewClient(&redis.Options{Addr: r.Addr, MaxRetries: -1})
	defer client.Close()
	key := t.Name() + ":greeting"
	if err := client.Set(ctx, key, "hello", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
	if got, err := client.Get(ctx, key).Result(); err != nil || got != "hello" {
		t.Fatalf("GET = %q, %v", got, err)
	}

	start = time.Now()
	r.Restart(t)
	t.Logf("Restart: %s", time.Since(start))
	// The first command may land on a pooled connection to the old
	// process; the one after it must work.
	_ = client.Ping(ctx).Err()
	if _, err := client.Get(ctx, key).Result(); !errors.Is(err, redis.Nil) {
		t.Errorf("GET after restart = %v, want redis.Nil (no persistence)", err)
	}
	if err := client.Set(ctx, key, "again", time.Minute).Err(); err != nil {
		t.Fatal(err)
	}
}

func TestMinIOPutGet(t *testing.T) {
	start := time.Now()
	m := NewMinIO(t)
	t.Logf("NewMinIO: %s", time.Since(start))
	bucket := m.NewBucket(t)
	client := m.Client(t)
	ctx := context.Background()
	body := bytes.Repeat([]byte("attachment "), 1000)
	if _, err := client.PutObject(ctx, bucket, "a/b.txt", bytes.NewReader(body), int64(len(body)), minio.PutObjectOptions{ContentType: "text/plain"}); err != nil {
		t.Fatal(err)
	}
	obj, err := client.GetObject(ctx, bucket, "a/b.txt", minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	got, err := io.ReadAll(obj)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, body) {
		t.Errorf("object has %d bytes, want %d", len(got), len(body))
	}
	if other := m.NewBucket(t); other == bucket {
		t.Errorf("NewBucket returned %s twice", bucket)
	}
}

// message builds a small RFC 5322 message with CRLF line endings.
func message(from, to, subject string) []byte {
	return []byte(strings.ReplaceAll(fmt.Sprintf("From: %s\nTo: %s\nSubject: %s\nMessage-ID: <%s@example.test>\nDate: %s\n\nHello from testenv.\n",
		from, to, subject, randomHex(8), time.Now().Format(time.RFC1123Z)), "\n", "\r\n"))
}

func TestMailDeliverAndIMAP(t *testing.T) {
	start := time.Now()
	m := NewMail(t)
	t.Logf("NewMail: %s", time.Since(start))
	start = time.Now()
	alice, alicePass := m.AddUser(t)
	bob, bobPass := m.AddUser(t)
	t.Logf("AddUser x2: %s", time.Since(start))
	if !strings.HasSuffix(alice, "@"+m.Domain) || alice == bob {
		t.Fatalf("AddUser returned %s and %s", alice, bob)
	}

	raw := message(alice, bob, "over SMTP")
	start = time.Now()
	m.Deliver(t, alice, bob, raw)
	t.Logf("Deliver: %s", time.Since(start))

	c := m.IMAPClient(t, bob, bobPass)
	mbox, err := c.Select("INBOX", nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	if mbox.NumMessages != 1 {
		t.Fatalf("INBOX has %d messages, want 1", mbox.NumMessages)
	}
	msgs, err := c.Fetch(imap.SeqSetNum(1), &imap.FetchOptions{
		BodySection: []*imap.FetchItemBodySection{{}},
	}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || len(msgs[0].BodySection) != 1 {
		t.Fatalf("fetch returned %+v", msgs)
	}
	if got := msgs[0].BodySection[0].Bytes; !bytes.Contains(got, []byte("Subject: over SMTP")) {
		t.Errorf("delivered message:\n%s", got)
	}

	list, err := c.List("", "*", &imap.ListOptions{ReturnSpecialUse: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	uses := map[string]imap.MailboxAttr{}
	for _, l := range list {
		for _, a := range l.Attrs {
			switch a {
			case imap.MailboxAttrDrafts, imap.MailboxAttrSent, imap.MailboxAttrJunk, imap.MailboxAttrTrash, imap.MailboxAttrArchive:
				uses[l.Mailbox] = a
			}
		}
	}
	for name, want := range map[string]imap.MailboxAttr{
		"Drafts": imap.MailboxAttrDrafts, "Sent": imap.MailboxAttrSent, "Junk": imap.MailboxAttrJunk,
		"Trash": imap.MailboxAttrTrash, "Archive": imap.MailboxAttrArchive,
	} {
		if uses[name] != want {
			t.Errorf("mailbox %s has special use %q, want %q", name, uses[name], want)
		}
	}

	// APPEND seeds a mailbox without going through Postfix.
	start = time.Now()
	uids := m.AppendMessages(t, alice, alicePass, "Archive", [][]byte{
		message(bob, alice, "one"), message(bob, alice, "two"), message(bob, alice, "three"),
	})
	t.Logf("AppendMessages x3: %s", time.Since(start))
	if len(uids) != 3 || uids[0] == 0 || uids[2] <= uids[0] {
		t.Errorf("AppendMessages UIDs %v", uids)
	}
	if uid := m.AppendRaw(t, alice, alicePass, "Archive", message(bob, alice, "four")); uid <= uids[2] {
		t.Errorf("AppendRaw UID %d after %v", uid, uids)
	}
	m.WaitForMessages(t, alice, alicePass, "Archive", 4)
}

func TestMailSubmission(t *testing.T) {
	m := NewMail(t)
	alice, alicePass := m.AddUser(t)
	bob, bobPass := m.AddUser(t)

	// net/smtp sends PLAIN without TLS only to localhost or 127.0.0.1,
	// which is where the submission listener is.
	auth := smtp.PlainAuth("", alice, alicePass, "127.0.0.1")
	start := time.Now()
	if err := smtp.SendMail(m.SubmissionAddr, auth, alice, []string{bob}, message(alice, bob, "submitted")); err != nil {
		t.Fatalf("authenticated submission: %v", err)
	}
	m.WaitForMessages(t, bob, bobPass, "INBOX", 1)
	t.Logf("submission to visible over IMAP: %s", time.Since(start))

	err := smtp.SendMail(m.SubmissionAddr, nil, alice, []string{bob}, message(alice, bob, "no auth"))
	if err == nil {
		t.Error("submission without AUTH was accepted")
	} else {
		t.Logf("submission without AUTH: %v", err)
	}
	bad := smtp.PlainAuth("", alice, "wrong", "127.0.0.1")
	if err := smtp.SendMail(m.SubmissionAddr, bad, alice, []string{bob}, message(alice, bob, "bad auth")); err == nil {
		t.Error("submission with a wrong password was accepted")
	}

	// Inbound SMTP takes mail for users, never for strangers or for
	// other domains.
	if err := smtp.SendMail(m.SMTPAddr, nil, "x@remote.test", []string{"nobody@" + m.Domain}, message("x@remote.test", "nobody", "unknown")); err == nil {
		t.Error("SMTP accepted mail for an unknown user")
	}
	if err := smtp.SendMail(m.SMTPAddr, nil, alice, []string{"someone@elsewhere.test"}, message(alice, "someone", "relay")); err == nil {
		t.Error("SMTP relayed mail to another domain without authentication")
	}
}

func TestMailWrongPasswordRefused(t *testing.T) {
	m := NewMail(t)
	alice, alicePass := m.AddUser(t)
	if _, err := m.login(alice, "not-"+alicePass); err == nil {
		t.Fatal("IMAP login with a wrong password succeeded")
	}
	// No penalty slows the next, good login.
	start := time.Now()
	c, err := m.login(alice, alicePass)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if d := time.Since(start); d > time.Second {
		t.Errorf("login after a failure took %s", d)
	}
}

func TestRedisSentinelFailover(t *testing.T) {
	start := time.Now()
	r := NewRedisSentinel(t)
	t.Logf("NewRedisSentinel: %s", time.Since(start))
	if len(r.SentinelAddrs) != 3 || r.MasterName == "" {
		t.Fatalf("sentinel set %+v", r)
	}
	ctx := context.Background()
	client := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: r.MasterName, SentinelAddrs: r.SentinelAddrs})
	defer client.Close()
	key := t.Name() + ":k"
	if err := client.Set(ctx, key, "before", 0).Err(); err != nil {
		t.Fatal(err)
	}
	old := r.PrimaryAddr(t)

	start = time.Now()
	promoted := r.KillPrimary(t)
	t.Logf("KillPrimary: %s until %s replaced %s", time.Since(start), promoted, old)
	if promoted == old || r.PrimaryAddr(t) != promoted {
		t.Fatalf("primary %s after failover from %s", promoted, old)
	}
	// The failover client finds the new primary; the write from before
	// was replicated to it.
	var got string
	var err error
	for range 20 {
		if got, err = client.Get(ctx, key).Result(); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil || got != "before" {
		t.Fatalf("GET after failover = %q, %v", got, err)
	}
	if err := client.Set(ctx, key, "after", 0).Err(); err != nil {
		t.Fatalf("SET after failover: %v", err)
	}

	// The killed server came back as a replica: the set fails over again.
	start = time.Now()
	if again := r.KillPrimary(t); again != old {
		t.Errorf("second failover promoted %s, want the restarted %s", again, old)
	}
	t.Logf("second KillPrimary: %s", time.Since(start))
}
