package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FrontPostfix is a Postfix of one test's own that relays inbound mail to
// other servers, configured by the test: testenv's base configuration
// (its own queue, fast retries, nothing delivered locally) with the
// test's main.cf and master.cf lines after it, which win.
type FrontPostfix struct {
	// SMTPAddr is the inbound SMTP listener.
	SMTPAddr string

	server *postfixServer
}

// frontDomain is the front Postfix's own domain, which takes no mail.
const frontDomain = "front.invalid"

// NewFrontPostfix starts the front Postfix on host (a 127.0.0.x address)
// with extraMain appended to main.cf and extraMaster's services replacing
// the base master.cf's services of the same name. It is stopped when the
// test ends.
func NewFrontPostfix(t testing.TB, host, extraMain, extraMaster string) *FrontPostfix {
	t.Helper()
	bin, err := findBinary("postfix", "postfix")
	if err != nil {
		t.Fatalf("%v", err)
	}
	dir, err := newDir("postfix-front")
	if err != nil {
		t.Fatalf("%v", err)
	}
	confDir := filepath.Join(dir, "conf")
	if err := os.MkdirAll(confDir, 0o755); err != nil {
		t.Fatalf("testenv: front postfix: %v", err)
	}
	// No Dovecot behind it: the LMTP, auth and recipient addresses are
	// never used, since no domain is delivered here and nobody submits.
	p := &postfixServer{dir: dir, confDir: confDir, bin: bin, host: host, domain: frontDomain,
		lmtpAddr: "127.0.0.1:9", authAddr: "127.0.0.1:9", socketmapAddr: "127.0.0.1:9",
		extraMain: extraMain, extraMaster: extraMaster, relayOnly: true}
	if err := retryStart("front postfix", p.start); err != nil {
		t.Fatalf("%v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("front postfix log:\n%s", tailFile(p.maillog, 40))
		}
		_ = p.proc.stop()
	})
	return &FrontPostfix{SMTPAddr: p.smtpAddr, server: p}
}

// Send runs one unauthenticated SMTP transaction, as a remote server
// would, and returns the queue ID Postfix assigned: the mail is accepted
// (and queued) when Send returns.
func (f *FrontPostfix) Send(t testing.TB, from, to string, raw []byte) string {
	t.Helper()
	id, err := f.server.send(from, []string{to}, raw)
	if err != nil {
		t.Fatalf("testenv: front postfix: send to %s: %v\n%s", to, err, tailFile(f.server.maillog, 20))
	}
	return id
}

// WaitDelivered waits until the queue file is gone with its recipient
// delivered (status=sent), and fails the test after 15 s.
func (f *FrontPostfix) WaitDelivered(t testing.TB, queueID string) {
	t.Helper()
	if err := f.server.waitDelivered(queueID, 1); err != nil {
		t.Fatalf("%v", err)
	}
}

// Log returns the front Postfix's mail log so far.
func (f *FrontPostfix) Log(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(f.server.maillog)
	if err != nil {
		t.Fatalf("testenv: front postfix: %v", err)
	}
	return string(b)
}

// dropService removes the service named name (with its -o lines) from
// master.
func dropService(master, name string) string {
	var out []string
	dropping := false
	for _, line := range strings.Split(master, "\n") {
		if line != "" && line[0] != ' ' && line[0] != '\t' {
			dropping = strings.HasPrefix(line, name+" ")
		}
		if !dropping {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// replaceServices drops from master the services extra defines (by name
// and type), then appends extra.
func replaceServices(master, extra string) string {
	defined := map[string]bool{}
	for _, line := range strings.Split(extra, "\n") {
		if f := strings.Fields(line); len(f) >= 2 && line[0] != ' ' && line[0] != '\t' && line[0] != '#' {
			defined[f[0]+"/"+f[1]] = true
		}
	}
	var out []string
	dropping := false
	for _, line := range strings.Split(master, "\n") {
		if line != "" && line[0] != ' ' && line[0] != '\t' {
			f := strings.Fields(line)
			dropping = len(f) >= 2 && defined[f[0]+"/"+f[1]]
		}
		if !dropping {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n") + "\n" + extra
}

func (f *FrontPostfix) String() string { return fmt.Sprintf("front postfix on %s", f.SMTPAddr) }
