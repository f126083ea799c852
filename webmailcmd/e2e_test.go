package webmailcmd

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/redis/go-redis/v9"

	"github.com/webmail/webmail/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// buildBinary compiles the webmail command once per test run.
func buildBinary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "webmail")
	cmd := exec.Command("go", "build", "-o", bin, "../cmd/webmail")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("building webmail: %v", err)
	}
	return bin
}

func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startWebmail runs `webmail serve` with env and waits for /readyz.
func startWebmail(t testing.TB, bin string, env []string) string {
	t.Helper()
	base, _ := startWebmailProcess(t, bin, env)
	return base
}

// startWebmailProcess is startWebmail that also returns the process.
func startWebmailProcess(t testing.TB, bin string, env []string) (string, *exec.Cmd) {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve")
	// Metrics on any free port unless env names one: several instances
	// (and other tests) run on this host at once.
	cmd.Env = append(os.Environ(), append(append([]string{"WEBMAIL_METRICS_LISTEN=127.0.0.1:0"}, env...), "WEBMAIL_LISTEN="+addr)...)
	logFile, err := os.Create(filepath.Join(t.TempDir(), "webmail.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
		}
		if t.Failed() {
			b, _ := os.ReadFile(logFile.Name())
			t.Logf("webmail log:\n%s", b)
		}
	})
	base := "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, cmd
			}
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(logFile.Name())
			t.Fatalf("webmail not ready after 20 s (last: %v)\n%s", err, b)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func migrateBinary(t testing.TB, bin string, env []string) string {
	t.Helper()
	cmd := exec.Command(bin, "migrate")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("webmail migrate: %v\n%s", err, out)
	}
	return string(out)
}

func newClient(t testing.TB) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: 30 * time.Second}
}

func getDoc(t testing.TB, c *http.Client, u string) (*http.Response, *goquery.Document) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, doc
}

func login(t testing.TB, c *http.Client, base, user, password string) (*http.Response, *goquery.Document) {
	t.Helper()
	_, doc := getDoc(t, c, base+"/login")
	csrf, ok := doc.Find(`form[action="/login"] input[name="csrf"]`).Attr("value")
	if !ok || csrf == "" {
		t.Fatal("login form has no csrf field")
	}
	resp, err := c.PostForm(base+"/login", url.Values{"username": {user}, "password": {password}, "csrf": {csrf}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	doc, err = goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, doc
}

func sessionCookie(c *http.Client, base string) string {
	u, _ := url.Parse(base)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "webmail_session" {
			return ck.Value
		}
	}
	return ""
}

// TestServeEndToEnd runs `webmail serve` against MariaDB (primary +
// replica), Redis, MinIO, Dovecot and Postfix: log in, list INBOX, open a
// message, log out, and the session is gone from Redis.
func TestServeEndToEnd(t *testing.T) {
	bin := buildBinary(t)
	db := testenv.NewMariaDB(t)
	rds := testenv.NewRedis(t)
	s3 := testenv.NewMinIO(t)
	bucket := s3.NewBucket(t)
	mailSrv := testenv.NewMail(t)
	user, password := mailSrv.AddUser(t)

	const subject = "Quarterly report: naïve café numbers"
	for i := 1; i <= 3; i++ {
		raw := fmt.Sprintf("From: Zoë Writer <zoe@example.test>\r\nTo: %s\r\nSubject: %s %d\r\nDate: Mon, 2 Nov 2026 10:0%d:00 +0000\r\nMessage-ID: <e2e-%d@example.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello, see https://example.test/report for line %d.\r\n", user, subject, i, i, i, i)
		mailSrv.Deliver(t, "zoe@example.test", user, []byte(raw))
	}

	env := []string{
		"WEBMAIL_IMAP=imap://" + mailSrv.IMAPAddr,
		"WEBMAIL_SMTP=smtp://" + mailSrv.SubmissionAddr,
		"WEBMAIL_SECRET=e2e-secret-0123456789abcdef0123456789",
		"WEBMAIL_DATA=" + t.TempDir(),
		"WEBMAIL_DB_WRITE=" + db.PrimaryDSN,
		"WEBMAIL_DB_READ=" + db.ReplicaDSN,
		"WEBMAIL_SESSION_STORE=redis",
		"WEBMAIL_REDIS=" + rds.Addr,
		"WEBMAIL_ATTACHMENTS=s3",
		"WEBMAIL_ATTACHMENTS_ENDPOINT=" + s3.Endpoint,
		"WEBMAIL_ATTACHMENTS_BUCKET=" + bucket,
		"WEBMAIL_ATTACHMENTS_ACCESS_KEY=" + s3.AccessKey,
		"WEBMAIL_ATTACHMENTS_SECRET_KEY=" + s3.SecretKey,
		"WEBMAIL_ATTACHMENTS_SECURE=false",
	}

	// serve refuses an unmigrated database and says what to do.
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), append(env, "WEBMAIL_LISTEN="+freeAddr(t))...)
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "webmail migrate") {
		t.Fatalf("serve on an empty database: err=%v, output %q; want a refusal naming `webmail migrate`", err, out)
	}
	if got := migrateBinary(t, bin, env); !strings.Contains(got, "mysql") {
		t.Fatalf("migrate output %q", got)
	}
	base := startWebmail(t, bin, env)
	c := newClient(t)

	// Wrong password: the login page again, with a clear message.
	resp, doc := login(t, c, base, user, "wrong-"+password)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(doc.Find(`[data-testid="login-error"]`).Text(), "Wrong email address or password") {
		t.Fatalf("wrong password: status %d, error %q", resp.StatusCode, doc.Find(`[data-testid="login-error"]`).Text())
	}
	if sessionCookie(c, base) != "" {
		t.Fatal("a failed login set a session cookie")
	}

	resp, doc = login(t, c, base, user, password)
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/mail/INBOX" {
		t.Fatalf("login landed on %s with %d", resp.Request.URL, resp.StatusCode)
	}
	sid := sessionCookie(c, base)
	if sid == "" {
		t.Fatal("no session cookie after login")
	}
	rc := redis.NewClient(&redis.Options{Addr: rds.Addr})
	defer rc.Close()
	ctx := context.Background()
	stored, err := rc.Get(ctx, "webmail:session:"+sid).Bytes()
	if err != nil {
		t.Fatalf("session not in Redis: %v", err)
	}
	if strings.Contains(string(stored), password) {
		t.Fatal("the password is stored in clear in Redis")
	}

	rows := doc.Find(`[data-testid="message-row"]`)
	if rows.Length() != 3 {
		t.Fatalf("INBOX shows %d rows, want 3", rows.Length())
	}
	if first := rows.First().Find(`[data-testid="message-link"]`).Text(); first != subject+" 3" {
		t.Fatalf("newest message first: got %q", first)
	}
	if rows.Filter(".unread").Length() != 3 {
		t.Fatalf("want 3 unread rows")
	}
	href, _ := rows.First().Find(`[data-testid="message-link"]`).Attr("href")
	if !strings.HasPrefix(href, "/mail/INBOX/") {
		t.Fatalf("message link %q is not /mail/INBOX/{uid}", href)
	}

	resp, doc = getDoc(t, c, base+href)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("message page: %d", resp.StatusCode)
	}
	if got := doc.Find(`[data-testid="subject"]`).Text(); got != subject+" 3" {
		t.Fatalf("subject %q", got)
	}
	if got := doc.Find(`[data-testid="from"]`).Text(); !strings.Contains(got, "Zoë Writer") {
		t.Fatalf("from %q", got)
	}
	link := doc.Find(`[data-testid="text-body"] a[href="https://example.test/report"]`)
	if link.Length() != 1 {
		t.Fatalf("the body's link is not clickable: %q", doc.Find(`[data-testid="text-body"]`).Text())
	}
	// Opening it marked it read.
	_, doc = getDoc(t, c, base+"/mail/INBOX")
	if n := doc.Find(`[data-testid="message-row"].unread`).Length(); n != 2 {
		t.Fatalf("after opening one, %d unread rows, want 2", n)
	}

	// Log out: the session is gone from Redis and the pages need a login.
	csrf, _ := doc.Find(`form[action="/logout"] input[name="csrf"]`).Attr("value")
	resp, err = c.PostForm(base+"/logout", url.Values{"csrf": {csrf}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path != "/login" {
		t.Fatalf("logout landed on %s", resp.Request.URL)
	}
	if n, err := rc.Exists(ctx, "webmail:session:"+sid).Result(); err != nil || n != 0 {
		t.Fatalf("session still in Redis after logout (exists=%d, err=%v)", n, err)
	}
	// The old cookie is worthless even if replayed.
	replay := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest(http.MethodGet, base+"/mail/INBOX", nil)
	req.AddCookie(&http.Cookie{Name: "webmail_session", Value: sid})
	resp, err = replay.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("replayed cookie: %d to %q, want a redirect to /login", resp.StatusCode, resp.Header.Get("Location"))
	}

	// The login was recorded on the primary and reached the replica.
	db.WaitReplicated(t)
	assertReplicaHasUser(t, db.ReplicaDSN, user)
}

func assertReplicaHasUser(t *testing.T, dsn, user string) {
	t.Helper()
	out := mysqlQuery(t, dsn, "SELECT email FROM users WHERE email = ?", user)
	if out != user {
		t.Fatalf("replica users row = %q, want %q", out, user)
	}
}
