package testenv

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// mailDomain is the only domain the mail servers accept mail for.
const mailDomain = "example.test"

// deliveryTimeout bounds how long Deliver and WaitForMessages wait.
const deliveryTimeout = 15 * time.Second

// Mail is the Dovecot and Postfix pair shared by one test process. Dovecot
// serves IMAP and LMTP and authenticates Postfix's SASL clients; Postfix
// accepts mail for the domain's users on SMTPAddr without authentication,
// and from authenticated users on SubmissionAddr, and delivers it over LMTP
// into Dovecot. Nothing ever leaves the machine: mail for other domains
// bounces. Each test takes its own users with AddUser.
//
// Every mailbox has the special-use folders Drafts, Sent, Junk, Trash and
// Archive; the hierarchy separator is "/".
type Mail struct {
	// IMAPAddr is Dovecot's plain-text IMAP listener (host:port).
	IMAPAddr string
	// SubmissionAddr is Postfix's submission listener: AUTH PLAIN or
	// LOGIN without TLS, required before any RCPT.
	SubmissionAddr string
	// SMTPAddr is Postfix's inbound SMTP listener: no AUTH, local
	// recipients only.
	SMTPAddr string
	// LMTPAddr is Dovecot's LMTP listener.
	LMTPAddr string
	// AuthAddr is Dovecot's authentication listener for SASL clients.
	AuthAddr string
	// Domain is the mail domain of every user.
	Domain string

	server *mailServer
}

// mailServer is the running Dovecot and Postfix and the user table they
// share.
type mailServer struct {
	dir            string
	host           string // the loopback address of every listener
	domain         string
	pop3Addr       string // "" unless started with POP3
	dovecot        *dovecotServer
	postfix        *postfixServer
	recipients     *socketmapServer
	imapAddr       string
	lmtpAddr       string
	authAddr       string
	smtpAddr       string
	submissionAddr string

	mu       sync.Mutex // guards users and nextUser
	users    map[string]string
	nextUser int
}

// sharedMail is the mail pair this process started, if any.
var sharedMail lazy[*mailServer]

// NewMail returns the process's shared Dovecot and Postfix, starting them on
// first use (about 0.2 s).
func NewMail(t testing.TB) *Mail {
	t.Helper()
	s, err := sharedMail.get(startMail)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return &Mail{
		IMAPAddr:       s.imapAddr,
		SubmissionAddr: s.submissionAddr,
		SMTPAddr:       s.smtpAddr,
		LMTPAddr:       s.lmtpAddr,
		AuthAddr:       s.authAddr,
		Domain:         s.domain,
		server:         s,
	}
}

// AddUser creates a fresh user with a random password. The user can log in
// over IMAP and submission, and receive mail, as soon as AddUser returns.
func (m *Mail) AddUser(t testing.TB) (email, password string) {
	t.Helper()
	s := m.server
	s.mu.Lock()
	s.nextUser++
	email = fmt.Sprintf("user%d-%s@%s", s.nextUser, randomHex(3), s.domain)
	s.mu.Unlock()
	password = randomHex(10)
	if err := s.addUser(email, password); err != nil {
		t.Fatalf("%v", err)
	}
	return email, password
}

// addUser gives the user a passwd-file of their own for Dovecot, and adds
// them to the table Postfix's recipient map answers from.
//
// Both are instant on purpose. Dovecot re-reads a changed passwd-file at
// most once a second, so a user appended to a shared file can stay unknown
// for up to a second; a file per user is read on first use. Postfix notices
// a rebuilt hash map only by its mtime in whole seconds, so a second user
// added in the same second stayed unknown to running smtpd processes; the
// socketmap asks this process on every lookup.
func (s *mailServer) addUser(email, password string) error {
	local, domain, _ := strings.Cut(email, "@")
	home := filepath.Join(s.dovecot.mailDir, domain, local)
	// passwd-file wants uid, gid and home on every userdb line;
	// default_fields does not make up for missing ones.
	line := fmt.Sprintf("%s:{PLAIN}%s:%d:%d::%s::\n", email, password, s.dovecot.uid, s.dovecot.gid, home)
	path := s.dovecot.passwdFile(email)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("testenv: mail: %w", err)
	}
	// Written under a temporary name and renamed, so that Dovecot never
	// reads half a line.
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(line), 0o644); err != nil {
		return fmt.Errorf("testenv: mail: passwd-file: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("testenv: mail: passwd-file: %w", err)
	}
	s.mu.Lock()
	s.users[email] = password
	s.mu.Unlock()
	return nil
}

// isUser reports whether Postfix should accept mail for address.
func (s *mailServer) isUser(address string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.users[strings.ToLower(address)]
	return ok
}

// Deliver sends raw from from to to through Postfix's SMTP listener, as a
// remote server would, and waits until Dovecot has stored it, so it is
// visible over IMAP when Deliver returns. Mail that Postfix bounces or
// defers fails the test with Postfix's log.
func (m *Mail) Deliver(t testing.TB, from, to string, raw []byte) {
	t.Helper()
	p := m.server.postfix
	queueID, err := p.send(from, []string{to}, raw)
	if err != nil {
		t.Fatalf("testenv: mail: deliver to %s: %v", to, err)
	}
	if err := p.waitDelivered(queueID, 1); err != nil {
		t.Fatalf("%v", err)
	}
}

// IMAPClient returns a client logged in as email, closed when the test ends.
func (m *Mail) IMAPClient(t testing.TB, email, password string) *imapclient.Client {
	t.Helper()
	c, err := m.login(email, password)
	if err != nil {
		t.Fatalf("%v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// login dials Dovecot and logs in.
func (m *Mail) login(email, password string) (*imapclient.Client, error) {
	c, err := imapclient.DialInsecure(m.IMAPAddr, nil)
	if err != nil {
		return nil, fmt.Errorf("testenv: mail: dial imap %s: %w", m.IMAPAddr, err)
	}
	if err := c.Login(email, password).Wait(); err != nil {
		c.Close()
		return nil, fmt.Errorf("testenv: mail: imap login %s: %w", email, err)
	}
	return c, nil
}

// WaitForMessages waits until mailbox holds at least n messages and fails
// the test after 15 s.
func (m *Mail) WaitForMessages(t testing.TB, email, password, mailbox string, n int) {
	t.Helper()
	c, err := m.login(email, password)
	if err != nil {
		t.Fatalf("%v", err)
	}
	defer c.Close()
	err = waitFor(nil, fmt.Sprintf("%d messages in %s of %s", n, mailbox, email), deliveryTimeout, func() error {
		data, err := c.Status(mailbox, &imap.StatusOptions{NumMessages: true}).Wait()
		if err != nil {
			return err
		}
		if data.NumMessages == nil || int(*data.NumMessages) < n {
			return fmt.Errorf("%w: %v messages", errNotReady, data.NumMessages)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%v\n%s", err, m.server.postfix.proc.logTail())
	}
}

// AppendRaw stores raw in mailbox with IMAP APPEND and returns its UID. It is
// the fast way to seed a mailbox; raw should use CRLF line endings.
func (m *Mail) AppendRaw(t testing.TB, email, password, mailbox string, raw []byte) imap.UID {
	t.Helper()
	uids := m.AppendMessages(t, email, password, mailbox, [][]byte{raw})
	return uids[0]
}

// AppendMessages stores every message in mailbox over one IMAP connection
// and returns their UIDs in order.
func (m *Mail) AppendMessages(t testing.TB, email, password, mailbox string, raws [][]byte) []imap.UID {
	t.Helper()
	c, err := m.login(email, password)
	if err != nil {
		t.Fatalf("%v", err)
	}
	defer c.Close()
	uids := make([]imap.UID, 0, len(raws))
	for i, raw := range raws {
		cmd := c.Append(mailbox, int64(len(raw)), nil)
		_, err := cmd.Write(raw)
		if cerr := cmd.Close(); err == nil {
			err = cerr
		}
		var data *imap.AppendData
		if err == nil {
			data, err = cmd.Wait()
		}
		if err != nil {
			t.Fatalf("testenv: mail: append message %d to %s of %s: %v", i, mailbox, email, err)
		}
		uids = append(uids, data.UID)
	}
	_ = c.Logout().Wait()
	return uids
}

// startMail starts the shared pair: mailDomain on 127.0.0.1.
func startMail() (*mailServer, error) {
	return startMailServer(mailOptions{host: "127.0.0.1", domain: mailDomain})
}

// mailOptions say where a Dovecot and Postfix pair listens and what it
// serves.
type mailOptions struct {
	host, domain string
	pop3         bool
	xclientHosts string // allowed XCLIENT on submission (a mail proxy)
}

// startMailServer starts the recipient map, Dovecot, and then Postfix,
// which needs the other two.
func startMailServer(opts mailOptions) (*mailServer, error) {
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("testenv: mail: Dovecot and Postfix must run as root to switch users (running as uid %d)", os.Geteuid())
	}
	dovecotBin, err := findBinary("dovecot", "dovecot-imapd dovecot-lmtpd")
	if err != nil {
		return nil, err
	}
	// Without its package, Dovecot refuses "protocols = lmtp"; say which
	// package is missing instead.
	if !isExecutable("/usr/lib/dovecot/lmtp") {
		return nil, fmt.Errorf("testenv: /usr/lib/dovecot/lmtp not found: %s (apt-get install -y dovecot-lmtpd)", installHint)
	}
	postfixBin, err := findBinary("postfix", "postfix")
	if err != nil {
		return nil, err
	}
	mailUser, err := user.Lookup("mail")
	if err != nil {
		return nil, fmt.Errorf("testenv: mail: %w", err)
	}
	uid, _ := strconv.Atoi(mailUser.Uid)
	gid, _ := strconv.Atoi(mailUser.Gid)

	dir, err := newDir("mail")
	if err != nil {
		return nil, err
	}
	s := &mailServer{dir: dir, host: opts.host, domain: opts.domain, users: map[string]string{}}
	for _, d := range []string{"dovecot/users", "mail", "postfix/conf"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, fmt.Errorf("testenv: mail: %w", err)
		}
	}
	// Dovecot stores mail as the mail user.
	if err := os.Chown(filepath.Join(dir, "mail"), uid, gid); err != nil {
		return nil, fmt.Errorf("testenv: mail: %w", err)
	}

	if s.recipients, err = startSocketmap(s.isUser); err != nil {
		return nil, err
	}
	s.dovecot = &dovecotServer{dir: filepath.Join(dir, "dovecot"), mailDir: filepath.Join(dir, "mail"),
		uid: uid, gid: gid, bin: dovecotBin, host: opts.host, domain: opts.domain, pop3: opts.pop3}
	if err := retryStart("dovecot", s.dovecot.start); err != nil {
		return nil, err
	}
	s.imapAddr, s.lmtpAddr, s.authAddr, s.pop3Addr = s.dovecot.imapAddr, s.dovecot.lmtpAddr, s.dovecot.authAddr, s.dovecot.pop3Addr

	s.postfix = &postfixServer{dir: filepath.Join(dir, "postfix"), confDir: filepath.Join(dir, "postfix", "conf"),
		bin: postfixBin, host: opts.host, domain: opts.domain, xclientHosts: opts.xclientHosts,
		lmtpAddr: s.lmtpAddr, authAddr: s.authAddr, socketmapAddr: s.recipients.addr}
	if err := retryStart("postfix", s.postfix.start); err != nil {
		return nil, err
	}
	s.smtpAddr, s.submissionAddr = s.postfix.smtpAddr, s.postfix.submissionAddr

	// postmaster is the one address every mail domain should have.
	if err := s.addUser("postmaster@"+opts.domain, randomHex(10)); err != nil {
		return nil, err
	}
	return s, nil
}
