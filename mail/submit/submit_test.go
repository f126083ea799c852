package submit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/mail"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func endpoint(t *testing.T, addr string) mail.Endpoint {
	t.Helper()
	ep, err := mail.ParseSMTPURL("smtp://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	return ep
}

func rawMessage(from, to, subject string) string {
	return fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%d@example.test>\r\n"+
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBody of %s.\r\n.leading dot\r\n",
		from, to, subject, time.Now().Format(time.RFC1123Z), time.Now().UnixNano(), subject)
}

// inboxSubjects reads the subjects of every message in INBOX.
func inboxSubjects(t *testing.T, c *imapclient.Client) []string {
	t.Helper()
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	var all imap.SeqSet
	all.AddRange(1, 0)
	msgs, err := c.Fetch(all, &imap.FetchOptions{Envelope: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	var subjects []string
	for _, m := range msgs {
		subjects = append(subjects, m.Envelope.Subject)
	}
	return subjects
}

func TestSubmitDelivers(t *testing.T) {
	env := testenv.NewMail(t)
	from, fromPassword := env.AddUser(t)
	to, toPassword := env.AddUser(t)
	subject := "submitted " + t.Name()
	raw := rawMessage(from, to, subject)
	receipt, err := Submit(context.Background(), endpoint(t, env.SubmissionAddr), from, fromPassword,
		Envelope{From: from, To: []string{to, strings.ToUpper(to)}, Size: int64(len(raw))}, strings.NewReader(raw), Options{})
	if err != nil {
		t.Fatalf("Submit: %v", err)
	}
	if !strings.Contains(receipt.ServerText, "queued as") {
		t.Errorf("receipt %q, want Postfix's queue ID", receipt.ServerText)
	}
	env.WaitForMessages(t, to, toPassword, "INBOX", 1)
	c := env.IMAPClient(t, to, toPassword)
	if got := inboxSubjects(t, c); len(got) != 1 || got[0] != subject {
		t.Fatalf("INBOX subjects %q, want one %q (a duplicate RCPT must not deliver twice)", got, subject)
	}
	body, err := c.Fetch(imap.SeqSetNum(1), &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{{Specifier: imap.PartSpecifierText}}}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range body[0].BodySection {
		if !strings.Contains(string(b.Bytes), "\r\n.leading dot\r\n") {
			t.Errorf("body %q lost its dot-stuffed line", b.Bytes)
		}
	}
}

func TestSubmitUnknownRecipient(t *testing.T) {
	env := testenv.NewMail(t)
	from, password := env.AddUser(t)
	to, _ := env.AddUser(t)
	unknown := "nobody-" + strings.ReplaceAll(t.Name(), "/", "-") + "@" + env.Domain
	raw := rawMessage(from, unknown, "never")
	_, err := Submit(context.Background(), endpoint(t, env.SubmissionAddr), from, password,
		Envelope{From: from, To: []string{to, unknown}}, strings.NewReader(raw), Options{})
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Submit = %v, want *Error", err)
	}
	if e.Temporary() || e.Code != 550 || e.Op != "rcpt to" || e.Recipient != unknown || e.EnhancedCode != "5.1.1" {
		t.Errorf("error %+v: want permanent 550 5.1.1 at RCPT for %s", e, unknown)
	}
	if !strings.Contains(e.ServerText, "User unknown") {
		t.Errorf("ServerText %q, want Postfix's text", e.ServerText)
	}
	if msg := e.UserMessage(); !strings.Contains(msg, unknown) || !strings.Contains(msg, "User unknown") {
		t.Errorf("UserMessage %q names neither the recipient nor the server's answer", msg)
	}
}

func TestSubmitWrongPassword(t *testing.T) {
	env := testenv.NewMail(t)
	from, _ := env.AddUser(t)
	_, err := Submit(context.Background(), endpoint(t, env.SubmissionAddr), from, "wrong password",
		Envelope{From: from, To: []string{from}}, strings.NewReader(rawMessage(from, from, "x")), Options{})
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Submit = %v, want *Error", err)
	}
	if !errors.Is(err, ErrAuthFailed) || e.Temporary() || e.Code != 535 {
		t.Errorf("error %+v: want permanent 535 matching ErrAuthFailed", e)
	}
}

func TestSubmitWithoutLoginRefused(t *testing.T) {
	env := testenv.NewMail(t)
	from, _ := env.AddUser(t)
	_, err := Submit(context.Background(), endpoint(t, env.SubmissionAddr), "", "",
		Envelope{From: from, To: []string{from}}, strings.NewReader(rawMessage(from, from, "x")), Options{})
	var e *Error
	if !errors.As(err, &e) || e.Temporary() || e.Code/100 != 5 {
		t.Fatalf("Submit without login = %v, want a permanent 5xx", err)
	}
}

func TestSubmitServerStopped(t *testing.T) {
	env := testenv.NewMail(t)
	postfix := env.NewPostfix(t)
	from, password := env.AddUser(t)
	to, toPassword := env.AddUser(t)
	ep := endpoint(t, postfix.SubmissionAddr)

	postfix.Stop(t)
	raw := rawMessage(from, to, "after restart")
	_, err := Submit(context.Background(), ep, from, password, Envelope{From: from, To: []string{to}}, strings.NewReader(raw), Options{})
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Submit to a stopped server = %v, want *Error", err)
	}
	if !e.Temporary() || e.Code != 0 || e.Op != "dial" {
		t.Errorf("error %+v: want a temporary dial failure", e)
	}
	if _, err := MaxSize(context.Background(), ep, Options{}); err == nil {
		t.Error("MaxSize of a stopped server succeeded")
	}

	postfix.Start(t)
	if _, err := Submit(context.Background(), ep, from, password, Envelope{From: from, To: []string{to}}, strings.NewReader(raw), Options{}); err != nil {
		t.Fatalf("Submit after Start: %v", err)
	}
	env.WaitForMessages(t, to, toPassword, "INBOX", 1)
}

func TestMaxSize(t *testing.T) {
	env := testenv.NewMail(t)
	size, err := MaxSize(context.Background(), endpoint(t, env.SubmissionAddr), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if size != 52428800 { // message_size_limit in testenv's main.cf
		t.Errorf("MaxSize = %d, want 52428800", size)
	}
}

// failingReader returns some bytes and then an error, as an attachment
// store that fails in the middle of a message would.
type failingReader struct {
	data string
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if r.data == "" {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestSubmitReaderFailsDeliversNothing(t *testing.T) {
	env := testenv.NewMail(t)
	from, password := env.AddUser(t)
	to, toPassword := env.AddUser(t)
	ep := endpoint(t, env.SubmissionAddr)
	storeErr := errors.New("store went away")
	half := rawMessage(from, to, "half")
	_, err := Submit(context.Background(), ep, from, password, Envelope{From: from, To: []string{to}},
		&failingReader{data: half, err: storeErr}, Options{})
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, storeErr) || !e.Temporary() || e.Ambiguous {
		t.Fatalf("Submit with a failing reader = %v, want a temporary, unambiguous *Error wrapping the reader's", err)
	}
	// The half message was never completed: only the next one arrives.
	if _, err := Submit(context.Background(), ep, from, password, Envelope{From: from, To: []string{to}},
		strings.NewReader(rawMessage(from, to, "whole")), Options{}); err != nil {
		t.Fatal(err)
	}
	env.WaitForMessages(t, to, toPassword, "INBOX", 1)
	if got := inboxSubjects(t, env.IMAPClient(t, to, toPassword)); len(got) != 1 || got[0] != "whole" {
		t.Fatalf("INBOX subjects %q, want only %q", got, "whole")
	}
}

func TestSubmitBadEnvelope(t *testing.T) {
	// Nothing listens here: a bad envelope must fail before any dial.
	ep := mail.Endpoint{Scheme: "smtp", Host: "127.0.0.1:1", Security: mail.SecurityPlain}
	for _, tc := range []struct {
		name string
		env  Envelope
	}{
		{"CRLF in recipient", Envelope{From: "a@example.test", To: []string{"b@example.test>\r\nRCPT TO:<c@example.test"}}},
		{"LF in sender", Envelope{From: "a@example.test\nDATA", To: []string{"b@example.test"}}},
		{"NUL in recipient", Envelope{From: "a@example.test", To: []string{"b@example.test\x00"}}},
		{"parameter in recipient", Envelope{From: "a@example.test", To: []string{"b@example.test> NOTIFY=NEVER"}}},
		{"space in sender", Envelope{From: "a b@example.test", To: []string{"b@example.test"}}},
		{"non-ASCII recipient", Envelope{From: "a@example.test", To: []string{"jürgen@example.test"}}},
		{"no @", Envelope{From: "a@example.test", To: []string{"postmaster"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Submit(context.Background(), ep, "", "", tc.env, strings.NewReader("x"), Options{})
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, ErrBadAddress) || e.Temporary() || e.Op != "envelope" {
				t.Fatalf("Submit = %v, want a permanent ErrBadAddress before dialing", err)
			}
		})
	}
	_, err := Submit(context.Background(), ep, "", "", Envelope{From: "a@example.test"}, strings.NewReader("x"), Options{})
	if err == nil {
		t.Fatal("Submit without recipients succeeded")
	}
}

func TestSubmitSilentServerTimesOut(t *testing.T) {
	// A server that accepts the connection and never greets: the dial
	// timeout must end the wait.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { _, _ = io.Copy(io.Discard, conn); conn.Close() }()
		}
	}()
	ep := endpoint(t, ln.Addr().String())
	_, err = Submit(context.Background(), ep, "u", "p", Envelope{From: "a@example.test", To: []string{"b@example.test"}},
		strings.NewReader("x"), Options{DialTimeout: 200 * time.Millisecond})
	var e *Error
	if !errors.As(err, &e) || !e.Temporary() || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Submit to a silent server = %v, want a temporary error from the deadline", err)
	}
}

func TestCleanServerText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Ok: queued as ABC", "Ok: queued as ABC"},
		{"line one\nline two\r\n\tthree", "line one line two three"},
		{"bell\x07 and NUL\x00 gone", "bell and NUL gone"},
		{strings.Repeat("é", 200), strings.Repeat("é", 150) + "…"},
	} {
		if got := cleanServerText(tc.in); got != tc.want {
			t.Errorf("cleanServerText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
