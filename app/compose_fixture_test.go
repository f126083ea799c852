package app

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/minio/minio-go/v7"

	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// composeApp is an App against the test Dovecot, a SQLite database and a
// MinIO bucket as the attachment store: what the compose use cases touch.
type composeApp struct {
	*App
	env    *testenv.Mail
	minio  *testenv.MinIO
	bucket string
}

func newComposeApp(t *testing.T, maxUpload int64) *composeApp {
	t.Helper()
	ctx := context.Background()
	env := testenv.NewMail(t)
	ep, err := mail.ParseIMAPURL("imap://" + env.IMAPAddr)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(store.Options{SQLitePath: filepath.Join(t.TempDir(), "webmail.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	server := testenv.NewMinIO(t)
	bucket := server.NewBucket(t)
	att, err := attachments.Open(ctx, "s3", attachments.Config{Settings: map[string]string{
		"endpoint": server.Endpoint, "bucket": bucket, "access_key": server.AccessKey,
		"secret_key": server.SecretKey, "region": server.Region, "secure": "false",
	}})
	if err != nil {
		t.Fatal(err)
	}
	pool := mail.NewPool(mail.PoolOptions{})
	t.Cleanup(pool.Close)
	sealer, err := session.NewSealer("app-test-secret-0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	sessions := session.NewManager(session.NewMemory(), sealer, time.Hour, 12*time.Hour)
	a := New(Deps{Sessions: sessions, IMAP: ep, Pool: pool, DB: db, Attachments: att, MaxUpload: maxUpload})
	return &composeApp{App: a, env: env, minio: server, bucket: bucket}
}

// user adds a Dovecot user and signs them in.
func (d *composeApp) user(t *testing.T) (sess *session.Session, email, password string) {
	t.Helper()
	email, password = d.env.AddUser(t)
	sess, err := d.Sessions.Create(context.Background(), email, password)
	if err != nil {
		t.Fatal(err)
	}
	return sess, email, password
}

// objects lists the keys in the bucket under prefix.
func (d *composeApp) objects(t *testing.T, prefix string) []string {
	t.Helper()
	var keys []string
	for obj := range d.minio.Client(t).ListObjects(context.Background(), d.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if obj.Err != nil {
			t.Fatal(obj.Err)
		}
		keys = append(keys, obj.Key)
	}
	return keys
}

// mailboxUIDs lists the UIDs of a mailbox as a plain IMAP client sees it.
func (d *composeApp) mailboxUIDs(t *testing.T, email, password, mailbox string) []imap.UID {
	t.Helper()
	c := d.env.IMAPClient(t, email, password)
	if _, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	data, err := c.UIDSearch(&imap.SearchCriteria{}, nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	return data.AllUIDs()
}

// fetchRaw reads a message whole as a plain IMAP client.
func (d *composeApp) fetchRaw(t *testing.T, email, password, mailbox string, uid imap.UID) []byte {
	t.Helper()
	c := d.env.IMAPClient(t, email, password)
	if _, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatal(err)
	}
	msgs, err := c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{{Peek: true}}}).Collect()
	if err != nil || len(msgs) != 1 {
		t.Fatalf("fetch %s/%d: %v (%d messages)", mailbox, uid, err, len(msgs))
	}
	if len(msgs[0].BodySection) != 1 {
		t.Fatalf("fetch %s/%d: no body", mailbox, uid)
	}
	return msgs[0].BodySection[0].Bytes
}
