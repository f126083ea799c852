package demo

import (
	"bufio"
	"errors"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// dialSMTP connects and says EHLO.
func dialSMTP(t *testing.T, s *Server) *smtp.Client {
	t.Helper()
	c, err := smtp.Dial(s.SMTPAddr)
	if err != nil {
		t.Fatalf("dial smtp: %v", err)
	}
	c.CommandTimeout = clientTimeout
	c.SubmissionTimeout = clientTimeout
	t.Cleanup(func() { c.Close() })
	if err := c.Hello("client.test"); err != nil {
		t.Fatalf("EHLO: %v", err)
	}
	return c
}

// send runs one SMTP transaction.
func send(c *smtp.Client, from string, to []string, msg string) error {
	if err := c.Mail(from, nil); err != nil {
		return err
	}
	for _, rcpt := range to {
		if err := c.Rcpt(rcpt, nil); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte(msg)); err != nil {
		return err
	}
	return w.Close()
}

func inboxStatus(t *testing.T, c *imapclient.Client) (messages, unseen uint32) {
	t.Helper()
	st, err := c.Status("INBOX", &imap.StatusOptions{NumMessages: true, NumUnseen: true}).Wait()
	if err != nil {
		t.Fatalf("STATUS INBOX: %v", err)
	}
	return *st.NumMessages, *st.NumUnseen
}

func TestSMTPAuthenticatedSendDeliversToINBOX(t *testing.T) {
	s, logs := startDemo(t)
	reader := loginIMAP(t, s)
	if _, err := reader.Select("INBOX", nil).Wait(); err != nil {
		t.Fatalf("SELECT: %v", err)
	}
	watcher := loginIMAP(t, s)
	before, unseenBefore := inboxStatus(t, watcher)

	c := dialSMTP(t, s)
	if err := c.Auth(sasl.NewPlainClient("", DefaultUser, DefaultPassword)); err != nil {
		t.Fatalf("AUTH PLAIN: %v", err)
	}
	// No Date or Message-ID: the server adds them for logged-in senders.
	msg := "From: Demo User <demo@example.test>\r\nTo: demo@example.test, friend@elsewhere.example\r\n" +
		"Subject: Hello from SMTP\r\n\r\nThis should arrive at once.\r\n"
	if err := send(c, DefaultUser, []string{DefaultUser, "friend@elsewhere.example"}, msg); err != nil {
		t.Fatalf("send: %v", err)
	}

	after, unseenAfter := inboxStatus(t, watcher)
	if after != before+1 || unseenAfter != unseenBefore+1 {
		t.Errorf("INBOX went from %d (%d unseen) to %d (%d unseen), want one more unseen message", before, unseenBefore, after, unseenAfter)
	}
	if !strings.Contains(logs.String(), "not relayed (demo)") || !strings.Contains(logs.String(), "friend@elsewhere.example") {
		t.Errorf("log does not record the non-local recipient as not relayed:\n%s", logs)
	}

	// The selected session learns about the new message too.
	if err := reader.Noop().Wait(); err != nil {
		t.Fatalf("NOOP: %v", err)
	}
	if got := reader.Mailbox().NumMessages; got != after {
		t.Errorf("selected INBOX has %d messages after NOOP, want %d", got, after)
	}

	fetched, err := reader.Fetch(imap.SeqSetNum(after), &imap.FetchOptions{
		BodySection: []*imap.FetchItemBodySection{{Peek: true}},
	}).Collect()
	if err != nil || len(fetched) != 1 {
		t.Fatalf("FETCH new message: %v (%d messages)", err, len(fetched))
	}
	raw := fetched[0].FindBodySection(&imap.FetchItemBodySection{})
	r, err := mail.CreateReader(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatalf("parse delivered message: %v", err)
	}
	if subject, _ := r.Header.Subject(); subject != "Hello from SMTP" {
		t.Errorf("Subject = %q", subject)
	}
	for _, field := range []string{"Received", "Return-Path", "Date", "Message-Id"} {
		if !r.Header.Has(field) {
			t.Errorf("delivered message lacks %s", field)
		}
	}
	if !strings.Contains(r.Header.Get("Received"), "ESMTPA") {
		t.Errorf("Received = %q, want ESMTPA for an authenticated submission", r.Header.Get("Received"))
	}
}

func TestSMTPUnauthenticated(t *testing.T) {
	s, _ := startDemo(t)
	imapc := loginIMAP(t, s)
	before, _ := inboxStatus(t, imapc)

	c := dialSMTP(t, s)
	msg := "From: someone@elsewhere.example\r\nTo: demo@example.test\r\nSubject: Hi\r\n" +
		"Date: Sun, 01 Jun 2025 12:00:00 +0000\r\nMessage-ID: <hi@elsewhere.example>\r\n\r\nHello.\r\n"
	if err := send(c, "someone@elsewhere.example", []string{"Demo@Example.test"}, msg); err != nil {
		t.Fatalf("unauthenticated send to a local user: %v", err)
	}
	if after, _ := inboxStatus(t, imapc); after != before+1 {
		t.Errorf("INBOX has %d messages, want %d", after, before+1)
	}

	err := send(c, "someone@elsewhere.example", []string{"victim@elsewhere.example"}, msg)
	var smtpErr *smtp.SMTPError
	if !errors.As(err, &smtpErr) || smtpErr.Code != 550 {
		t.Fatalf("unauthenticated relay attempt: err = %v, want a 550 refusal", err)
	}
}

func TestSMTPAuthRefusesWrongPassword(t *testing.T) {
	s, _ := startDemo(t)
	c := dialSMTP(t, s)
	if err := c.Auth(sasl.NewPlainClient("", DefaultUser, "wrong")); err == nil {
		t.Fatal("AUTH with a wrong password succeeded")
	}
}

func TestSMTPLimits(t *testing.T) {
	s, _ := startDemo(t)
	c := dialSMTP(t, s)
	if size, ok := c.MaxMessageSize(); !ok || size != MaxMessageBytes {
		t.Errorf("SIZE = %d, %v; want %d", size, ok, MaxMessageBytes)
	}
	if err := c.Mail("someone@elsewhere.example", &smtp.MailOptions{Size: MaxMessageBytes + 1}); err == nil {
		t.Error("MAIL FROM with an oversized SIZE accepted")
	}
	if err := c.Reset(); err != nil {
		t.Fatalf("RSET: %v", err)
	}
	if err := c.Mail("someone@elsewhere.example", nil); err != nil {
		t.Fatalf("MAIL FROM: %v", err)
	}
	var err error
	for range MaxRecipients + 1 {
		if err = c.Rcpt(DefaultUser, nil); err != nil {
			break
		}
	}
	if err == nil {
		t.Errorf("%d recipients accepted, limit is %d", MaxRecipients+1, MaxRecipients)
	}
}

func TestCloseStopsBothListeners(t *testing.T) {
	s, err := Start(t.Context(), Options{})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	for _, addr := range []string{s.IMAPAddr, s.SMTPAddr} {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			t.Fatalf("dial %s before Close: %v", addr, err)
		}
		conn.Close()
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for _, addr := range []string{s.IMAPAddr, s.SMTPAddr} {
		if conn, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			conn.Close()
			t.Errorf("%s still accepts connections after Close", addr)
		}
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestDeliveryReachesOnlyTheRecipient(t *testing.T) {
	s, err := Start(t.Context(), Options{Users: map[string]string{"ann@example.test": "ann", "bob@example.test": "bob"}})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	defer s.Close()
	c := dialSMTP(t, s)
	msg := "From: ann@example.test\r\nTo: bob@example.test\r\nSubject: Lunch\r\n" +
		"Date: Sun, 01 Jun 2025 12:00:00 +0000\r\nMessage-ID: <lunch@example.test>\r\n\r\nNoon?\n" // bare LF on purpose
	if err := send(c, "ann@example.test", []string{"bob@example.test"}, msg); err != nil {
		t.Fatalf("send: %v", err)
	}
	for user, want := range map[string]uint32{"ann@example.test": 0, "bob@example.test": 1} {
		ic, err := imapclient.DialInsecure(s.IMAPAddr, nil)
		if err != nil {
			t.Fatalf("dial imap: %v", err)
		}
		defer ic.Close()
		if err := ic.Login(user, strings.TrimSuffix(user, "@example.test")).Wait(); err != nil {
			t.Fatalf("login %s: %v", user, err)
		}
		if got, _ := inboxStatus(t, ic); got != want {
			t.Errorf("%s INBOX has %d messages, want %d", user, got, want)
		}
	}
}

func TestCloseDropsConnections(t *testing.T) {
	s, err := Start(t.Context(), Options{})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	var conns []net.Conn
	for _, addr := range []string{s.IMAPAddr, s.SMTPAddr} {
		conn, err := net.DialTimeout("tcp", addr, clientTimeout)
		if err != nil {
			t.Fatalf("dial %s: %v", addr, err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(clientTimeout))
		if _, err := bufio.NewReader(conn).ReadString('\n'); err != nil {
			t.Fatalf("greeting from %s: %v", addr, err)
		}
		conns = append(conns, conn)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for _, conn := range conns {
		// The greeting was read whole, so anything but EOF (or a reset) means
		// the server is still talking, and a timeout that it kept the
		// connection open.
		_, err := conn.Read(make([]byte, 1))
		if err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("connection to %s still open after Close: %v", conn.RemoteAddr(), err)
		}
	}
}

// Close right after Start races the accept loops' goroutines; under load
// they had not yet run, and go-smtp's Close left its listener open and
// Close waiting for its accept loop forever.
func TestCloseRightAfterStart(t *testing.T) {
	for range 200 {
		s, err := Start(t.Context(), Options{})
		if err != nil {
			t.Fatalf("Start: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if conn, err := net.DialTimeout("tcp", s.SMTPAddr, time.Second); err == nil {
			conn.Close()
			t.Fatalf("%s still accepts connections after Close", s.SMTPAddr)
		}
	}
}
