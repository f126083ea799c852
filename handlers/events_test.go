package handlers_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/smtp"
	"strings"
	"testing"
	"time"

	"github.com/webmail/webmail/internal/demo"
	"github.com/webmail/webmail/mail"
)

// readStatus reads the event stream until a status event matching want.
func readStatus(t *testing.T, r *bufio.Reader, want func(mail.MailboxStatus) bool) mail.MailboxStatus {
	t.Helper()
	var event string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("reading the event stream: %v", err)
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: ") && event == "status":
			var st mail.MailboxStatus
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &st); err != nil {
				t.Fatalf("bad status %q: %v", line, err)
			}
			if want(st) {
				return st
			}
		case line == "":
			event = ""
		}
	}
}

func TestNewMailIsPushed(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	f.login(t, c, demo.DefaultUser, demo.DefaultPassword)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, f.http.URL+"/events", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("/events: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	r := bufio.NewReader(resp.Body)
	first := readStatus(t, r, func(st mail.MailboxStatus) bool { return st.Mailbox == "INBOX" })
	if first.Messages == 0 || first.Unseen == 0 {
		t.Fatalf("first status %+v: the seeded inbox has mail", first)
	}

	msg := fmt.Sprintf("From: news@example.test\r\nTo: %s\r\nSubject: pushed\r\nMessage-ID: <pushed@example.test>\r\n\r\nNew!\r\n", demo.DefaultUser)
	if err := smtp.SendMail(f.mail.SMTPAddr, nil, "news@example.test", []string{demo.DefaultUser}, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	st := readStatus(t, r, func(st mail.MailboxStatus) bool { return st.Messages == first.Messages+1 })
	if st.Unseen != first.Unseen+1 {
		t.Fatalf("after delivery %+v, want one more unseen than %+v", st, first)
	}

	// A stream is for logged-in users only.
	resp2, err := http.Get(f.http.URL + "/events")
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.Request.URL.Path != "/login" {
		t.Fatalf("anonymous /events ended at %s", resp2.Request.URL.Path)
	}
}

// TestDrainEndsEventStreams: after EndStreams the server ends an open
// stream itself, well before the client's own deadline would.
func TestDrainEndsEventStreams(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	f.login(t, c, demo.DefaultUser, demo.DefaultPassword)
	// Shorter than the heartbeat, so nothing but the drain ends the stream.
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, f.http.URL+"/events", nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	readStatus(t, r, func(mail.MailboxStatus) bool { return true })
	f.server.Drain()
	f.server.EndStreams()
	for {
		_, err = r.ReadString('\n')
		if err != nil {
			break
		}
	}
	// The server ended the stream (the browser reconnects elsewhere), not
	// our deadline.
	if ctx.Err() != nil {
		t.Fatalf("the stream outlived the drain: %v", err)
	}
	if !errors.Is(err, io.EOF) {
		t.Fatalf("the stream ended with %v, want the end of the response", err)
	}
}
