package webmailcmd

import (
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/webmail/webmail/internal/testenv"
)

// benchInboxSize is the INBOX the reading benchmarks run against.
const benchInboxSize = 5000

// benchEnv is a Dovecot user with a 5,000-message INBOX and a `webmail
// serve` process logged in as that user.
type benchEnv struct {
	mail            *testenv.Mail
	email, password string
	base            string
	webmail         *exec.Cmd
	client          *http.Client
	newestUID       imap.UID
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	env := &benchEnv{mail: testenv.NewMail(b)}
	env.email, env.password = env.mail.AddUser(b)
	raws := make([][]byte, 0, 500)
	var uids []imap.UID
	for i := 1; i <= benchInboxSize; i++ {
		raws = append(raws, benchMessage(i, env.email))
		if len(raws) == cap(raws) {
			uids = append(uids, env.mail.AppendMessages(b, env.email, env.password, "INBOX", raws)...)
			raws = raws[:0]
		}
	}
	env.newestUID = uids[len(uids)-1]

	bin := buildBinary(b)
	cfg := []string{
		"WEBMAIL_IMAP=imap://" + env.mail.IMAPAddr,
		"WEBMAIL_SMTP=smtp://" + env.mail.SubmissionAddr,
		"WEBMAIL_SECRET=bench-secret-0123456789abcdef0123456789",
		"WEBMAIL_DATA=" + b.TempDir(),
		"WEBMAIL_LOG_LEVEL=warn",
	}
	migrateBinary(b, bin, cfg)
	env.base, env.webmail = startWebmailProcess(b, bin, cfg)
	env.client = newClient(b)
	resp, _ := login(b, env.client, env.base, env.email, env.password)
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("login: %d", resp.StatusCode)
	}
	return env
}

// benchMessage is a realistic ~2 KB text message.
func benchMessage(i int, to string) []byte {
	date := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 7 * time.Minute)
	var body strings.Builder
	for line := 0; line < 25; line++ {
		fmt.Fprintf(&body, "Line %d of message %d: the quarterly numbers look fine, see the attached notes.\r\n", line, i)
	}
	return []byte(fmt.Sprintf("From: Sender %d <sender%d@example.test>\r\nTo: %s\r\nSubject: Benchmark message %d about the project\r\nDate: %s\r\nMessage-ID: <bench-%d@example.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s",
		i%97, i%97, to, i, date.Format(time.RFC1123Z), i, body.String()))
}

// benchHTMLMessage is a ~7 KB newsletter: multipart/alternative with a
// text part and an HTML part of tables, inline styles, links and remote
// images, as the message view sanitizes it (the images blocked).
func benchHTMLMessage(i int, to string) []byte {
	date := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 7 * time.Minute)
	var text, html strings.Builder
	html.WriteString(`<!doctype html><html><head><style>body{font-family:Arial,sans-serif;color:#222}.story h2{color:#0a5;margin:0 0 6px}</style></head><body style="margin:0;background:#f4f4f4">`)
	html.WriteString(`<table width="100%" cellpadding="0" cellspacing="0" style="background:#f4f4f4"><tr><td align="center">`)
	fmt.Fprintf(&html, `<table width="600" cellpadding="12" style="background:#ffffff;border:1px solid #ddd"><tr><td><img src="https://news.example.test/logo.png" width="120" height="40" alt="Weekly news"><h1 style="font-size:22px">Issue %d of the project newsletter</h1></td></tr>`, i)
	for story := 0; story < 8; story++ {
		fmt.Fprintf(&text, "Story %d: the quarterly numbers look fine, read more at https://news.example.test/%d/%d\r\n", story, i, story)
		fmt.Fprintf(&html, `<tr><td class="story"><h2>Story %d of issue %d</h2><p style="font-size:14px;line-height:1.5">The quarterly numbers look fine: revenue is up, costs are down, and the team shipped <b>three</b> releases. <a href="https://news.example.test/%d/%d?utm_source=mail" style="color:#06c">Read more</a></p><img src="https://news.example.test/%d/%d.jpg" width="560" alt=""></td></tr>`, story, i, i, story, i, story)
	}
	html.WriteString(`<tr><td style="font-size:11px;color:#888">You get this because you subscribed. <a href="https://news.example.test/unsubscribe">Unsubscribe</a></td></tr></table></td></tr></table></body></html>`)
	return []byte(fmt.Sprintf("From: Newsletter <news@example.test>\r\nTo: %s\r\nSubject: Benchmark newsletter %d\r\nDate: %s\r\nMessage-ID: <bench-%d@example.test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b%d\"\r\n\r\n--b%d\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n--b%d\r\nContent-Type: text/html; charset=utf-8\r\n\r\n%s\r\n--b%d--\r\n",
		to, i, date.Format(time.RFC1123Z), i, i, i, text.String(), i, html.String(), i))
}

// cpuMeter measures the CPU the webmail process and Dovecot (master and
// all its workers) spend over a benchmark loop.
type cpuMeter struct {
	webmailPID, dovecotPID int
	webmail0, dovecot0     time.Duration
	imap0                  int
}

func (e *benchEnv) startMeter(b *testing.B) *cpuMeter {
	m := &cpuMeter{webmailPID: e.webmail.Process.Pid, dovecotPID: e.mail.DovecotPID(b)}
	m.webmail0, _ = testenv.TreeCPU(m.webmailPID, "")
	m.dovecot0, m.imap0 = testenv.TreeCPU(m.dovecotPID, "imap")
	return m
}

// report adds per-operation CPU of both processes and how many more live
// IMAP processes (one per connection) Dovecot has than before the loop: 0
// means the webmail reused its connections.
func (m *cpuMeter) report(b *testing.B) {
	webmail, _ := testenv.TreeCPU(m.webmailPID, "")
	dovecot, imapProcs := testenv.TreeCPU(m.dovecotPID, "imap")
	n := float64(b.N)
	b.ReportMetric(float64((webmail-m.webmail0).Microseconds())/1000/n, "webmail-cpu-ms/op")
	b.ReportMetric(float64((dovecot-m.dovecot0).Microseconds())/1000/n, "dovecot-cpu-ms/op")
	b.ReportMetric(float64(imapProcs-m.imap0), "live-imap-procs-delta")
}

func (e *benchEnv) get(b *testing.B, path string) {
	resp, err := e.client.Get(e.base + path)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
}

// BenchmarkReading measures the list page and the message view against
// Dovecot with a 5,000-message INBOX, and beside them the raw IMAP cost of
// the same work on one logged-in connection. Run with `make bench`.
func BenchmarkReading(b *testing.B) {
	env := newBenchEnv(b)
	// Warm up: the pool's connections and Dovecot's index are made here.
	env.get(b, "/mail/INBOX")
	msgPath := fmt.Sprintf("/mail/INBOX/%d", env.newestUID-10)
	env.get(b, msgPath)

	b.Run("list-page", func(b *testing.B) {
		m := env.startMeter(b)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			env.get(b, "/mail/INBOX")
		}
		b.StopTimer()
		m.report(b)
	})
	b.Run("message-view", func(b *testing.B) {
		m := env.startMeter(b)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			env.get(b, msgPath)
		}
		b.StopTimer()
		m.report(b)
	})

	c := env.mail.IMAPClient(b, env.email, env.password)
	var newest imap.UIDSet
	newest.AddRange(env.newestUID-49, env.newestUID)
	b.Run("raw-imap-select-fetch-50-envelopes", func(b *testing.B) {
		m := env.startMeter(b)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if _, err := c.Select("INBOX", nil).Wait(); err != nil {
				b.Fatal(err)
			}
			opts := &imap.FetchOptions{UID: true, Envelope: true, Flags: true, InternalDate: true, RFC822Size: true}
			if _, err := c.Fetch(newest, opts).Collect(); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		m.report(b)
	})
	b.Run("raw-imap-body-peek", func(b *testing.B) {
		var one imap.UIDSet
		one.AddNum(env.newestUID - 10)
		m := env.startMeter(b)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			opts := &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{{Peek: true}}}
			if _, err := c.Fetch(one, opts).Collect(); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		m.report(b)
	})
	b.Run("raw-imap-login-logout", func(b *testing.B) {
		m := env.startMeter(b)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			lc, err := imapclient.DialInsecure(env.mail.IMAPAddr, nil)
			if err != nil {
				b.Fatal(err)
			}
			if err := lc.Login(env.email, env.password).Wait(); err != nil {
				b.Fatal(err)
			}
			lc.Logout().Wait()
			lc.Close()
		}
		b.StopTimer()
		m.report(b)
	})
}
