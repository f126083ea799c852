package cluster_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/webmail/webmail/internal/testenv"
)

// TestMailHost is issue 13's topology (see mailhost_setup_test.go): one
// nginx address for IMAP, POP3 and submission and one front Postfix for
// inbound mail, in front of two backends, routed by two webmail
// instances from the domain table. Each step prints its numbers on a line
// starting with "mailhost:".
func TestMailHost(t *testing.T) {
	began := time.Now()
	h := startMailHost(t)
	reportMail(t, "setup: backends %s (%s) and %s (%s), nginx %s, front postfix %s, webmail routing %s, in %.1fs",
		domainA, hostA, domainB, hostB, hostNginx, hostFront, strings.Join(h.routing, " "), time.Since(began).Seconds())
	steps := []struct {
		name string
		run  func(*testing.T, *mailHost)
	}{
		{"1_logins_and_submission", stepLoginsAndSubmission},
		{"2_inbound_queued_while_backend_down", stepInboundQueued},
		{"3_wrong_passwords_share_the_limits", stepWrongPasswords},
		{"4_domain_moved_through_the_api", stepDomainMoved},
		{"5_login_latency", stepLoginLatency},
		{"6_admin_tokens", stepAdminTokens},
		{"7_instance_killed", stepRoutingInstanceKilled},
	}
	for _, step := range steps {
		if !t.Run(step.name, func(t *testing.T) { step.run(t, h) }) {
			break
		}
	}
}

func reportMail(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	t.Log(msg)
	fmt.Printf("mailhost: %s: %s\n", t.Name(), msg)
}

// stepLoginsAndSubmission: a user of each domain logs in over IMAP
// (STARTTLS and TLS) and POP3 (STLS and TLS) through the one nginx
// address and sees their own mailbox; submission through nginx reaches
// the user's backend and is delivered.
func stepLoginsAndSubmission(t *testing.T, h *mailHost) {
	for _, b := range []backendCase{{"A", h.a}, {"B", h.b}} {
		email, password := b.mb.AddUser(t)
		subject := "Only on backend " + b.label
		b.mb.AppendRaw(t, email, password, "INBOX", message("x@example.test", email, subject))
		for _, dial := range []struct {
			name string
			dial func() (*imapclient.Client, error)
		}{{"STARTTLS", h.dialIMAPStartTLS}, {"TLS", h.dialIMAPS}} {
			subjects, err := imapInbox(dial.dial, email, password)
			if err != nil {
				t.Fatalf("IMAP %s through nginx as %s: %v", dial.name, email, err)
			}
			if !slices.Equal(subjects, []string{subject}) {
				t.Fatalf("IMAP %s through nginx as %s: INBOX %q, want only %q", dial.name, email, subjects, subject)
			}
		}
		for _, implicit := range []bool{false, true} {
			addr := h.pop3
			if implicit {
				addr = h.pop3s
			}
			n, err := pop3Count(addr, h.tls, implicit, email, password)
			if err != nil || n != 1 {
				t.Fatalf("POP3 (implicit TLS %v) through nginx as %s: %d messages, %v; want 1", implicit, email, n, err)
			}
		}
		// Submission to a second user of the same backend: nginx hands
		// the login to the backend's Postfix (XCLIENT), which delivers.
		rcpt, rcptPassword := b.mb.AddUser(t)
		if err := submit(h.submission, h.tls, email, password, rcpt, message(email, rcpt, "Submitted via nginx")); err != nil {
			t.Fatalf("submission through nginx as %s: %v", email, err)
		}
		b.mb.WaitForMessages(t, rcpt, rcptPassword, "INBOX", 1)
		reportMail(t, "backend %s: IMAP STARTTLS/TLS, POP3 STLS/TLS and submission through %s ok", b.label, hostNginx)
	}
	// A wrong password is refused (by the backend, the default).
	email, _ := h.a.AddUser(t)
	if _, err := imapInbox(h.dialIMAPStartTLS, email, "wrong-password"); err == nil {
		t.Fatal("a wrong password logged in through nginx")
	}
}

type backendCase struct {
	label string
	mb    *testenv.MailBackend
}

// stepInboundQueued: mail sent to the front Postfix for a user on B while
// B's Postfix is stopped is accepted and queued; once B is back it is
// delivered exactly once. Mail for A goes to A meanwhile.
func stepInboundQueued(t *testing.T, h *mailHost) {
	rcptB, passwordB := h.b.AddUser(t)
	rcptA, passwordA := h.a.AddUser(t)
	h.b.Postfix.Stop(t)
	stopped := time.Now()
	queuedB := h.front.Send(t, "sender@example.org", rcptB, message("sender@example.org", rcptB, "Queued while B was down"))
	queuedA := h.front.Send(t, "sender@example.org", rcptA, message("sender@example.org", rcptA, "For A while B was down"))
	h.front.WaitDelivered(t, queuedA)
	h.a.WaitForMessages(t, rcptA, passwordA, "INBOX", 1)
	waitUntil(t, "the front Postfix to defer "+queuedB, 30*time.Second, func() error {
		for _, line := range strings.Split(h.front.Log(t), "\n") {
			if strings.Contains(line, " "+queuedB+": to=<"+rcptB+">") && strings.Contains(line, "status=deferred") {
				return nil
			}
		}
		return fmt.Errorf("not deferred yet")
	})
	if n := countMessages(t, h.b, rcptB, passwordB); n != 0 {
		t.Fatalf("%d messages on B while its Postfix was stopped", n)
	}
	h.b.Postfix.Start(t)
	restarted := time.Now()
	h.front.WaitDelivered(t, queuedB)
	h.b.WaitForMessages(t, rcptB, passwordB, "INBOX", 1)
	sent := 0
	for _, line := range strings.Split(h.front.Log(t), "\n") {
		if strings.Contains(line, " "+queuedB+": ") && strings.Contains(line, "status=sent") {
			sent++
		}
	}
	if n := countMessages(t, h.b, rcptB, passwordB); n != 1 || sent != 1 {
		t.Fatalf("after B came back: %d messages in the INBOX, %d deliveries logged; want exactly 1", n, sent)
	}
	reportMail(t, "queued for %.1fs while B was down, delivered once %.1fs after B was back",
		restarted.Sub(stopped).Seconds(), time.Since(restarted).Seconds())
}

// stepWrongPasswords: wrong passwords through nginx count against the same
// cluster-wide limits as the web login, and the other way round.
func stepWrongPasswords(t *testing.T, h *mailHost) {
	// Guessed through nginx, then refused on the web.
	email, password := h.a.AddUser(t)
	for i := range loginLimit {
		if _, err := imapInbox(h.dialIMAPStartTLS, email, fmt.Sprintf("guess-%d", i)); err == nil {
			t.Fatalf("guess %d logged in", i)
		}
	}
	if body := webLogin(t, h.instances[0].addr, email, password); !strings.Contains(body, "Too many attempts") {
		t.Fatalf("web login after %d wrong passwords through nginx was not limited:\n%.400s", loginLimit, body)
	}
	// Guessed on the web, then refused through nginx.
	email, password = h.b.AddUser(t)
	for i := range loginLimit {
		if body := webLogin(t, h.instances[1].addr, email, fmt.Sprintf("guess-%d", i)); !strings.Contains(body, "Wrong email address or password") {
			t.Fatalf("web guess %d: not refused as wrong:\n%.400s", i, body)
		}
	}
	_, err := imapInbox(h.dialIMAPStartTLS, email, password)
	if err == nil || !strings.Contains(err.Error(), "Too many attempts") {
		t.Fatalf("IMAP login through nginx after %d wrong web passwords: %v, want refused with \"Too many attempts\"", loginLimit, err)
	}
	reportMail(t, "%d wrong passwords through nginx limit the web login, and %d on the web limit IMAP through nginx", loginLimit, loginLimit)
}

// stepDomainMoved: a domain moved to the other backend is routed there by
// both instances without a restart, and the next IMAP login lands there.
func stepDomainMoved(t *testing.T, h *mailHost) {
	email := "moving-" + fmt.Sprint(time.Now().UnixNano()%100000) + "@" + domainA
	const password = "moving-password-1"
	h.a.AddUserAs(t, email, password)
	h.b.AddUserAs(t, email, password)
	h.a.AppendRaw(t, email, password, "INBOX", message("x@example.test", email, "Mailbox on A"))
	h.b.AppendRaw(t, email, password, "INBOX", message("x@example.test", email, "Mailbox on B"))
	if subjects, err := imapInbox(h.dialIMAPStartTLS, email, password); err != nil || !slices.Equal(subjects, []string{"Mailbox on A"}) {
		t.Fatalf("before the move: %q, %v", subjects, err)
	}
	moved := time.Now()
	h.moveDomain(t, domainA, backendB)
	for i, r := range h.routing {
		waitUntil(t, fmt.Sprintf("webmail%d to route %s to B", i+1, domainA), 30*time.Second, func() error {
			addr, err := askRouting(r, "imap", email, password)
			if err != nil {
				return err
			}
			if addr != h.b.IMAPAddr {
				return fmt.Errorf("still routed to %s", addr)
			}
			return nil
		})
	}
	inForce := time.Since(moved)
	if subjects, err := imapInbox(h.dialIMAPStartTLS, email, password); err != nil || !slices.Equal(subjects, []string{"Mailbox on B"}) {
		t.Fatalf("after the move: %q, %v", subjects, err)
	}
	reportMail(t, "%s moved to B: in force on both instances after %.1fs, no restart", domainA, inForce.Seconds())
	h.moveDomain(t, domainA, backendA)
	for _, r := range h.routing {
		waitUntil(t, "the move back", 30*time.Second, func() error {
			if addr, err := askRouting(r, "imap", email, password); err != nil || addr != h.a.IMAPAddr {
				return fmt.Errorf("routed to %s (%v)", addr, err)
			}
			return nil
		})
	}
}

// stepLoginLatency measures what nginx and the routing service add to an
// IMAP login: LOGIN and LOGOUT on a fresh connection, direct to Dovecot
// and through nginx's plain listener. Reported, not asserted.
func stepLoginLatency(t *testing.T, h *mailHost) {
	email, password := h.a.AddUser(t)
	const logins = 40
	measure := func(addr string) []time.Duration {
		var out []time.Duration
		for range logins {
			began := time.Now()
			c, err := dialIMAPPlain(addr)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Login(email, password).Wait(); err != nil {
				t.Fatalf("login via %s: %v", addr, err)
			}
			out = append(out, time.Since(began))
			c.Close()
		}
		sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
		return out
	}
	measure(h.imapPlain) // warm up nginx's keepalive connections to the instances
	direct, proxied := measure(h.a.IMAPAddr), measure(h.imapPlain)
	p := func(d []time.Duration, q float64) float64 {
		return float64(d[int(q*float64(len(d)-1))].Microseconds()) / 1000
	}
	// A user's first login through the proxy is counted before the
	// answer (the limits' writes); later ones are remembered as verified.
	var first []time.Duration
	for range logins / 2 {
		fresh, freshPassword := h.a.AddUser(t)
		began := time.Now()
		c, err := dialIMAPPlain(h.imapPlain)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Login(fresh, freshPassword).Wait(); err != nil {
			t.Fatalf("first login of %s: %v", fresh, err)
		}
		first = append(first, time.Since(began))
		c.Close()
	}
	sort.Slice(first, func(i, j int) bool { return first[i] < first[j] })
	reportMail(t, "first login of %d fresh users through nginx: median %.2fms p90 %.2fms", len(first), p(first, 0.5), p(first, 0.9))
	// The routing service's own share: nginx's question, asked directly.
	var asked []time.Duration
	for range logins {
		began := time.Now()
		if _, err := askRouting(h.routing[1], "imap", email, password); err != nil {
			t.Fatal(err)
		}
		asked = append(asked, time.Since(began))
	}
	sort.Slice(asked, func(i, j int) bool { return asked[i] < asked[j] })
	reportMail(t, "IMAP connect+LOGIN, %d each: direct to Dovecot median %.2fms p90 %.2fms; through nginx+routing median %.2fms p90 %.2fms; added median %.2fms; of which the auth_http answer alone (limits in MariaDB) median %.2fms p90 %.2fms",
		logins, p(direct, 0.5), p(direct, 0.9), p(proxied, 0.5), p(proxied, 0.9), p(proxied, 0.5)-p(direct, 0.5), p(asked, 0.5), p(asked, 0.9))
}

// stepRoutingInstanceKilled: with one instance killed, nginx's logins and
// the front Postfix's lookups go on through the other.
func stepRoutingInstanceKilled(t *testing.T, h *mailHost) {
	h.instances[0].kill(t)
	email, password := h.b.AddUser(t)
	h.b.AppendRaw(t, email, password, "INBOX", message("x@example.test", email, "Still routed"))
	const logins = 10
	for i := range logins {
		if subjects, err := imapInbox(h.dialIMAPStartTLS, email, password); err != nil || !slices.Equal(subjects, []string{"Still routed"}) {
			t.Fatalf("login %d with webmail1 killed: %q, %v", i, subjects, err)
		}
	}
	rcpt, rcptPassword := h.a.AddUser(t)
	queued := h.front.Send(t, "sender@example.org", rcpt, message("sender@example.org", rcpt, "Routed by webmail2"))
	h.front.WaitDelivered(t, queued)
	h.a.WaitForMessages(t, rcpt, rcptPassword, "INBOX", 1)
	reportMail(t, "webmail1 killed: %d/%d IMAP logins through nginx and inbound relay via webmail2 ok", logins, logins)
}

// moveDomain moves domain to backend through the provisioning API of the
// first instance.
func (h *mailHost) moveDomain(t *testing.T, domain, backend string) {
	t.Helper()
	status, body := adminCall(t, h.admin[0], "POST", "/v1/domains/"+domain+"/move", h.token, `{"backend":"`+backend+`"}`)
	if status != http.StatusOK {
		t.Fatalf("moving %s to %s through the API: %d %s", domain, backend, status, body)
	}
}

// adminCall sends one provisioning API request and returns the status and
// body.
func adminCall(t *testing.T, admin, method, path, token, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, "http://"+admin+path, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// stepAdminTokens: both instances' provisioning API refuse a missing, a
// wrong and a revoked token (revoked with the CLI), and serve the OpenAPI
// document.
func stepAdminTokens(t *testing.T, h *mailHost) {
	second := createToken(t, h, "second")
	for _, admin := range h.admin {
		if status, body := adminCall(t, admin, "GET", "/v1/openapi.json", "", ""); status != http.StatusOK || !strings.Contains(body, `"openapi": "3.0.3"`) {
			t.Fatalf("%s: OpenAPI document: %d", admin, status)
		}
		for _, bad := range []string{"", "wma_wrong"} {
			if status, _ := adminCall(t, admin, "GET", "/v1/domains", bad, ""); status != http.StatusUnauthorized {
				t.Fatalf("%s: token %q answered %d, want 401", admin, bad, status)
			}
		}
		if status, _ := adminCall(t, admin, "GET", "/v1/domains", second, ""); status != http.StatusOK {
			t.Fatalf("%s: valid token answered %d", admin, status)
		}
	}
	list := runWebmail(t, h.bin, h.env, "admin-token", "list")
	var id string
	for _, line := range strings.Split(list, "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[1] == "second" {
			id = f[0]
		}
	}
	if id == "" {
		t.Fatalf("admin-token list has no token named second:\n%s", list)
	}
	runWebmail(t, h.bin, h.env, "admin-token", "revoke", id)
	for _, admin := range h.admin {
		if status, _ := adminCall(t, admin, "GET", "/v1/domains", second, ""); status != http.StatusUnauthorized {
			t.Fatalf("%s: revoked token answered %d, want 401", admin, status)
		}
	}
	reportMail(t, "missing, wrong and revoked tokens refused by both instances")
}

// createToken makes an admin token with the CLI and returns its secret.
func createToken(t *testing.T, h *mailHost, name string) string {
	t.Helper()
	out := runWebmail(t, h.bin, h.env, "admin-token", "create", name)
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "wma_") {
			return strings.TrimSpace(line)
		}
	}
	t.Fatalf("admin-token create printed no token:\n%s", out)
	return ""
}

// countMessages is INBOX's message count, read directly from the backend.
func countMessages(t *testing.T, b *testenv.MailBackend, email, password string) int {
	t.Helper()
	subjects, err := imapInbox(func() (*imapclient.Client, error) { return dialIMAPPlain(b.IMAPAddr) }, email, password)
	if err != nil {
		t.Fatal(err)
	}
	return len(subjects)
}

// webLogin signs in on an instance's web listener and returns the page
// the login answered with (after its redirect, if any).
func webLogin(t *testing.T, addr, email, password string) string {
	t.Helper()
	u := newUser(0, email, password, "http://"+addr)
	resp, err := u.client.Get(u.base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no login form at %s", addr)
	}
	resp, err = u.client.PostForm(u.base+"/login", url.Values{"username": {email}, "password": {password}, "csrf": {string(m[1])}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	return fmt.Sprintf("status %d location %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
}

// waitUntil polls check every 100 ms until it succeeds, and fails the test
// after timeout.
func waitUntil(t *testing.T, what string, timeout time.Duration, check func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: %v", what, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
