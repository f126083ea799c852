package handlers_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/emersion/go-imap/v2"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/handlers"
	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/static"
	"github.com/webmail/webmail/store"
)

// benchServer is the whole HTTP stack over SQLite, an attachment store
// (fs, or S3 on the test MinIO), Dovecot and Postfix, with a browser
// signed in.
type benchServer struct {
	base     string
	browser  *http.Client
	token    string
	db       *store.DB
	env      *testenv.Mail
	email    string
	password string
	userID   int64
}

// newBenchServer starts it. Without SMTP (uploads alone) the upload
// limit is MaxUpload; the test Postfix's SIZE would cap it below 100 MB.
func newBenchServer(tb testing.TB, undoDelay string, withSMTP bool, backend string) *benchServer {
	tb.Helper()
	ctx := context.Background()
	env := testenv.NewMail(tb)
	dir := tb.TempDir()
	var att attachments.Store
	var err error
	if backend == "s3" {
		minio := testenv.NewMinIO(tb)
		att, err = attachments.Open(ctx, "s3", attachments.Config{Settings: map[string]string{
			"endpoint": minio.Endpoint, "bucket": minio.NewBucket(tb), "access_key": minio.AccessKey,
			"secret_key": minio.SecretKey, "region": minio.Region, "secure": "false"}})
	} else {
		att, err = attachments.NewFS(filepath.Join(dir, "attachments"))
	}
	if err != nil {
		tb.Fatal(err)
	}
	db, err := store.Open(store.Options{SQLitePath: filepath.Join(dir, "webmail.db")})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	sealer, _ := session.NewSealer("handlers-bench-secret-0123456789abcdef")
	sessions := session.NewManager(session.NewMemory(), sealer, time.Hour, 12*time.Hour)
	imapEP, _ := mail.ParseIMAPURL("imap://" + env.IMAPAddr)
	var smtpEP mail.Endpoint
	if withSMTP {
		smtpEP, _ = mail.ParseSMTPURL("smtp://" + env.SubmissionAddr)
	}
	pool := mail.NewPool(mail.PoolOptions{})
	tb.Cleanup(pool.Close)
	assets, err := static.New()
	if err != nil {
		tb.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	core := app.New(app.Deps{Logger: logger, DB: db, Sessions: sessions, Attachments: att, IMAP: imapEP,
		Pool: pool, SMTP: smtpEP, MaxUpload: 200 << 20, MessageCacheBytes: 64 << 20})
	srv := handlers.NewServer(handlers.Deps{Logger: logger, Assets: assets, App: core})
	hs := httptest.NewServer(srv.Routes())
	tb.Cleanup(hs.Close)

	b := &benchServer{base: hs.URL, db: db, env: env}
	b.email, b.password = env.AddUser(tb)
	jar, _ := cookiejar.New(nil)
	b.browser = &http.Client{Jar: jar, Timeout: 5 * time.Minute}
	doc := b.page(tb, "/login")
	csrf, _ := doc.Find(`input[name="csrf"]`).Attr("value")
	resp, err := b.browser.PostForm(hs.URL+"/login", url.Values{"username": {b.email}, "password": {b.password}, "csrf": {csrf}})
	if err != nil {
		tb.Fatal(err)
	}
	resp.Body.Close()
	b.token, _ = b.page(tb, "/settings").Find("body").Attr("data-csrf")
	user, err := db.UserByEmail(ctx, b.email)
	if err != nil || b.token == "" {
		tb.Fatalf("signing in: %v (token %q)", err, b.token)
	}
	b.userID = user.ID
	if err := db.SetPref(ctx, user.ID, store.PrefUndoSendDelay, undoDelay); err != nil {
		tb.Fatal(err)
	}
	return b
}

func (b *benchServer) page(tb testing.TB, path string) *goquery.Document {
	tb.Helper()
	resp, err := b.browser.Get(b.base + path)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return doc
}

// newCompose opens a compose through GET /compose and returns its ID.
func (b *benchServer) newCompose(tb testing.TB) string {
	tb.Helper()
	resp, err := b.browser.Get(b.base + "/compose")
	if err != nil {
		tb.Fatal(err)
	}
	resp.Body.Close()
	id, ok := strings.CutPrefix(resp.Request.URL.Path, "/compose/")
	if !ok || resp.StatusCode != http.StatusOK {
		tb.Fatalf("GET /compose ended at %s with %d", resp.Request.URL, resp.StatusCode)
	}
	return id
}

// upload posts size bytes as one file through the upload form, streamed
// from a pipe: the client holds none of it either.
func (b *benchServer) upload(tb testing.TB, composeID string, size int64) {
	tb.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		mw.WriteField("csrf", b.token)
		part, err := mw.CreateFormFile("attachment", "big.bin")
		if err == nil {
			_, err = io.CopyN(part, zeroes{}, size)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, _ := http.NewRequest(http.MethodPost, b.base+"/compose/"+composeID+"/attachments", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-CSRF-Token", b.token)
	resp, err := b.browser.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("upload: %d %s", resp.StatusCode, body)
	}
}

type zeroes struct{}

func (zeroes) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// BenchmarkUpload100MB streams a 100 MB file through the real upload
// handler (POST /compose/{id}/attachments, multipart) into the fs store
// and the S3 store on MinIO, and reports the peak growth of the process heap during it (the server
// is in this process): heap-MiB must stay under 32.
//
//	go test -run '^$' -bench BenchmarkUpload100MB -benchtime 3x ./handlers/
func BenchmarkUpload100MB(b *testing.B) {
	for _, backend := range []string{"fs", "s3"} {
		b.Run(backend, func(b *testing.B) { benchmarkUpload(b, backend) })
	}
}

func benchmarkUpload(b *testing.B, backend string) {
	const size = 100 << 20
	s := newBenchServer(b, "0", false, backend)
	var worst uint64
	b.SetBytes(size)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		id := s.newCompose(b)
		heap := testenv.WatchHeap(b)
		b.StartTimer()
		s.upload(b, id, size)
		b.StopTimer()
		worst = max(worst, heap.Stop())
		b.StartTimer()
	}
	b.ReportMetric(float64(worst)/(1<<20), "heap-MiB")
	if worst > 32<<20 {
		b.Errorf("heap grew by %.1f MiB during a 100 MB upload to %s, want < 32 MiB", float64(worst)/(1<<20), backend)
	}
}

// BenchmarkSendLatency measures a send end to end through the HTTP
// stack without undo delay: POST /compose/{id}/send with the form, the
// redirect to the result page ("sent": Postfix took it, the copy is in
// Sent), then until the recipient's Dovecot shows it. send-ms is the
// click to the "sent" page, delivered-ms to the recipient's INBOX.
//
//	go test -run '^$' -bench BenchmarkSendLatency -benchtime 20x ./handlers/
func BenchmarkSendLatency(b *testing.B) {
	s := newBenchServer(b, "0", true, "s3")
	rcpt, rcptPassword := s.env.AddUser(b)
	client := s.env.IMAPClient(b, rcpt, rcptPassword)
	var sendTotal, deliverTotal time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		id := s.newCompose(b)
		b.StartTimer()
		start := time.Now()
		resp, err := s.browser.PostForm(s.base+"/compose/"+id+"/send", url.Values{"csrf": {s.token}, "to": {rcpt},
			"subject": {fmt.Sprintf("latency %d", i)}, "body": {"How long does this take?"}})
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		sendTotal += time.Since(start)
		if resp.StatusCode != http.StatusOK || !strings.HasSuffix(resp.Request.URL.Path, "/send") {
			b.Fatalf("send: %d at %s", resp.StatusCode, resp.Request.URL)
		}
		for {
			data, err := client.Status("INBOX", &imap.StatusOptions{NumMessages: true}).Wait()
			if err != nil {
				b.Fatal(err)
			}
			if *data.NumMessages >= uint32(i+1) {
				break
			}
			time.Sleep(2 * time.Millisecond)
		}
		deliverTotal += time.Since(start)
	}
	b.ReportMetric(float64(sendTotal.Milliseconds())/float64(b.N), "send-ms")
	b.ReportMetric(float64(deliverTotal.Milliseconds())/float64(b.N), "delivered-ms")
}
