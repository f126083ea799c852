package routing

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/webmail/webmail/app"
)

// decider answers from a fixed table; the real decisions are tested in
// app and, end to end with nginx and Postfix, in cluster's TestMailHost.
type decider struct {
	seen []app.MailLoginInput
}

func (d *decider) RouteMailLogin(_ context.Context, in app.MailLoginInput) (app.MailLoginResult, error) {
	d.seen = append(d.seen, in)
	switch in.Password {
	case "right":
		return app.MailLoginResult{Backend: "mx1", Addr: netip.MustParseAddrPort("10.0.0.21:143")}, nil
	case "limited":
		return app.MailLoginResult{}, &app.Error{Code: app.CodeLimited, Message: "Too many attempts. Try again in 3 minutes."}
	case "down":
		return app.MailLoginResult{}, &app.Error{Code: app.CodeUnavailable, Message: "down"}
	}
	return app.MailLoginResult{}, &app.Error{Code: app.CodeWrongCredentials, Message: "wrong"}
}

func (d *decider) RelayTarget(domain string) (string, bool) {
	if domain == "example.com" {
		return "10.0.0.21:25", true
	}
	return "", false
}

// serve runs the service on a loopback port until the test ends.
func serve(t *testing.T, d *decider) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		NewServer(d, Options{FailureWait: 2 * time.Second}).Serve(ctx, ln)
		close(done)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return ln.Addr().String()
}

func TestAuthHTTP(t *testing.T) {
	d := &decider{}
	addr := serve(t, d)
	ask := func(method, protocol, user, pass string) http.Header {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/auth", nil)
		req.Header.Set("Auth-Method", method)
		req.Header.Set("Auth-Protocol", protocol)
		req.Header.Set("Auth-User", user)
		req.Header.Set("Auth-Pass", pass)
		req.Header.Set("Client-IP", "192.0.2.7")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		return resp.Header
	}
	tests := []struct {
		name, method, protocol, user, pass string
		want                               map[string]string
	}{
		{"routed", "plain", "imap", "ann%40example.com", "right", map[string]string{"Auth-Status": "OK", "Auth-Server": "10.0.0.21", "Auth-Port": "143", "Auth-Wait": ""}},
		{"wrong password waits", "login", "pop3", "ann@example.com", "nope", map[string]string{"Auth-Status": statusWrongPassword, "Auth-Wait": "2", "Auth-Server": ""}},
		{"limited closes", "plain", "imap", "ann@example.com", "limited", map[string]string{"Auth-Status": "Too many attempts. Try again in 3 minutes.", "Auth-Wait": ""}},
		{"smtp gets a code", "plain", "smtp", "ann@example.com", "nope", map[string]string{"Auth-Status": statusWrongPassword, "Auth-Error-Code": "535 5.7.8"}},
		{"backend down", "plain", "smtp", "ann@example.com", "down", map[string]string{"Auth-Status": statusTemporary, "Auth-Error-Code": "451 4.3.0"}},
		{"no password seen", "cram-md5", "imap", "ann@example.com", "right", map[string]string{"Auth-Status": statusWrongPassword, "Auth-Server": ""}},
	}
	for _, tt := range tests {
		h := ask(tt.method, tt.protocol, tt.user, tt.pass)
		for k, v := range tt.want {
			if got := h.Get(k); got != v {
				t.Errorf("%s: %s = %q, want %q", tt.name, k, got, v)
			}
		}
	}
	// nginx escapes the user name; the app gets it back, and the client
	// address and protocol with it.
	first := d.seen[0]
	if first.Username != "ann@example.com" || first.ClientIP != "192.0.2.7" || first.Protocol != app.ProtocolIMAP {
		t.Errorf("app got %+v", first)
	}
	if len(d.seen) != 5 {
		t.Errorf("the app was asked %d times, want 5 (never for CRAM-MD5)", len(d.seen))
	}
}

func TestSocketmap(t *testing.T) {
	addr := serve(t, &decider{})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	r := bufio.NewReader(conn)
	// Several lookups on one connection, as Postfix keeps it open.
	for _, tt := range []struct{ request, reply string }{
		{"domain example.com", "OK example.com"},
		{"domain EXAMPLE.com", "OK example.com"},
		{"transport example.com", "OK relay:[10.0.0.21]:25"},
		{"transport ann@example.com", "OK relay:[10.0.0.21]:25"},
		{"domain example.org", "NOTFOUND "},
		{"transport example.org", "NOTFOUND "},
		{"recipients ann@example.com", "PERM unknown map recipients"},
		{"nokey", "PERM malformed request"},
	} {
		if _, err := io.WriteString(conn, netstring(tt.request)); err != nil {
			t.Fatal(err)
		}
		reply, err := readNetstring(r)
		if err != nil {
			t.Fatalf("%q: %v", tt.request, err)
		}
		if reply != tt.reply {
			t.Errorf("%q answered %q, want %q", tt.request, reply, tt.reply)
		}
	}
	// A malformed netstring ends the connection.
	io.WriteString(conn, "3:abcX")
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := r.ReadByte(); err != io.EOF {
		t.Errorf("after a malformed netstring: %v, want the connection closed", err)
	}
}

func TestReadNetstring(t *testing.T) {
	for in, want := range map[string]string{"0:,": "", "3:abc,": "abc", "11:hello world,": "hello world"} {
		got, err := readNetstring(bufio.NewReader(strings.NewReader(in)))
		if err != nil || got != want {
			t.Errorf("%q: %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"x:abc,", "3:abcd", "-1:,", "200000:"} {
		if _, err := readNetstring(bufio.NewReader(strings.NewReader(in))); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}
