package demo

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	_ "github.com/emersion/go-message/charset" // decode ISO-8859-1 and ISO-2022-JP
	"github.com/emersion/go-message/mail"
)

// seenMessage is what TestSeededMessagesAreWellFormed learns about one
// message fetched over IMAP.
type seenMessage struct {
	mailbox    string
	messageID  string
	inReplyTo  []string
	references []string
	subject    string
}

// fetchAll returns every message of a mailbox with flags, INTERNALDATE,
// BODYSTRUCTURE and the raw bytes.
func fetchAll(t *testing.T, c *imapclient.Client, mailbox string) []*imapclient.FetchMessageBuffer {
	t.Helper()
	if _, err := c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		t.Fatalf("SELECT %s: %v", mailbox, err)
	}
	var all imap.SeqSet
	all.AddRange(1, 0) // 1:*
	msgs, err := c.Fetch(all, &imap.FetchOptions{
		Flags:         true,
		InternalDate:  true,
		Envelope:      true,
		BodyStructure: &imap.FetchItemBodyStructure{Extended: true},
		BodySection:   []*imap.FetchItemBodySection{{Peek: true}},
	}).Collect()
	if err != nil {
		t.Fatalf("FETCH %s: %v", mailbox, err)
	}
	return msgs
}

func TestSeededMessagesAreWellFormed(t *testing.T) {
	s, _ := startDemo(t)
	c := loginIMAP(t, s)

	var seen []seenMessage
	filenames := map[string]bool{}
	mediaTypes := map[string]bool{}
	var remoteImages, inlineImages int
	for _, f := range Folders() {
		msgs := fetchAll(t, c, f.Name)
		if len(msgs) != f.Messages {
			t.Errorf("%s: fetched %d messages, want %d", f.Name, len(msgs), f.Messages)
		}
		unseen := 0
		for _, m := range msgs {
			if !slices.Contains(m.Flags, imap.FlagSeen) {
				unseen++
			}
			if f.Name == "Drafts" && !slices.Contains(m.Flags, imap.FlagDraft) {
				t.Errorf("Drafts message %d lacks \\Draft", m.SeqNum)
			}
			if m.BodyStructure == nil || m.Envelope == nil {
				t.Errorf("%s %d: no BODYSTRUCTURE or ENVELOPE", f.Name, m.SeqNum)
			}
			raw := m.FindBodySection(&imap.FetchItemBodySection{})
			info := checkMessage(t, f.Name, m.SeqNum, raw, m.InternalDate)
			info.walk(filenames, mediaTypes)
			remoteImages += info.remoteImages
			inlineImages += info.inlineImages
			seen = append(seen, info.seenMessage)
		}
		if unseen != f.Unseen {
			t.Errorf("%s: %d unseen, want %d", f.Name, unseen, f.Unseen)
		}
	}

	ids := map[string]bool{}
	for _, m := range seen {
		if ids[m.messageID] {
			t.Errorf("duplicate Message-ID %s", m.messageID)
		}
		ids[m.messageID] = true
	}
	replies := 0
	for _, m := range seen {
		if len(m.inReplyTo) == 0 {
			continue
		}
		replies++
		if !ids[m.inReplyTo[0]] {
			t.Errorf("%s %q: In-Reply-To %s refers to no seeded message", m.mailbox, m.subject, m.inReplyTo[0])
		}
		if len(m.references) == 0 || m.references[len(m.references)-1] != m.inReplyTo[0] {
			t.Errorf("%s %q: References %v do not end with In-Reply-To %v", m.mailbox, m.subject, m.references, m.inReplyTo)
		}
	}
	t.Logf("%d messages, %d replies, %d remote-image parts, %d inline images, files %v", len(seen), replies, remoteImages, inlineImages, len(filenames))
	if replies < 20 {
		t.Errorf("%d replies in threads, want at least 20", replies)
	}

	for _, name := range []string{"contract-signed.pdf", "notes.txt", "budget-q3.csv", "screenshot.png", "logs.zip",
		"invite.ics", "Relatório de despesas – março.pdf", "見積書.pdf", "Export of our mailbox data.eml"} {
		if !filenames[name] {
			t.Errorf("no attachment named %q", name)
		}
	}
	for _, mt := range []string{"application/pdf", "text/plain", "text/csv", "image/png", "application/zip", "message/rfc822", "text/calendar", "text/html"} {
		if !mediaTypes[mt] {
			t.Errorf("no part of type %s", mt)
		}
	}
	if remoteImages == 0 {
		t.Error("no HTML part references images.example.invalid")
	}
	if inlineImages == 0 {
		t.Error("no HTML part shows a cid: image")
	}

	subjects := map[string]bool{}
	for _, m := range seen {
		subjects[m.subject] = true
	}
	for _, want := range []string{"Résumé of the café meeting in Zürich", "来週の打ち合わせについて", "Weekly metrics 📈"} {
		if !subjects[want] {
			t.Errorf("no message with subject %q", want)
		}
	}
}

// checkedMessage is one parsed message and the parts found in it.
type checkedMessage struct {
	seenMessage
	parts        []checkedPart
	remoteImages int
	inlineImages int
}

type checkedPart struct {
	mediaType, filename string
}

func (m checkedMessage) walk(filenames, mediaTypes map[string]bool) {
	for _, p := range m.parts {
		mediaTypes[p.mediaType] = true
		if p.filename != "" {
			filenames[p.filename] = true
		}
	}
}

// checkMessage parses raw with go-message and reports what it finds;
// anything malformed fails the test.
func checkMessage(t *testing.T, mailbox string, seq uint32, raw []byte, internalDate time.Time) checkedMessage {
	t.Helper()
	where := func() string { return fmt.Sprintf("%s #%d", mailbox, seq) }
	if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) {
		t.Errorf("%s: bare LF", where())
	}
	for line := range bytes.Lines(raw) {
		if len(line) > 1000 {
			t.Errorf("%s: line of %d bytes", where(), len(line))
			break
		}
	}
	r, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Errorf("%s: parse: %v", where(), err)
		return checkedMessage{}
	}
	h := r.Header
	for _, field := range []string{"Date", "From", "To", "Subject", "Message-Id", "Mime-Version"} {
		if !h.Has(field) {
			t.Errorf("%s: no %s header", where(), field)
		}
	}
	date, err := h.Date()
	if err != nil || !date.Equal(internalDate) {
		t.Errorf("%s: Date %v (%v) differs from INTERNALDATE %v", where(), date, err, internalDate)
	}
	if date.After(testNow()) || date.Before(testNow().Add(-91*day)) {
		t.Errorf("%s: Date %v outside the last 90 days", where(), date)
	}
	if _, err := h.AddressList("From"); err != nil {
		t.Errorf("%s: From: %v", where(), err)
	}
	subject, err := h.Subject()
	if err != nil {
		t.Errorf("%s: Subject: %v", where(), err)
	}
	out := checkedMessage{seenMessage: seenMessage{mailbox: mailbox, subject: subject}}
	out.messageID, err = h.MessageID()
	if err != nil || out.messageID == "" {
		t.Errorf("%s: Message-ID %q: %v", where(), out.messageID, err)
	}
	out.inReplyTo, _ = h.MsgIDList("In-Reply-To")
	out.references, _ = h.MsgIDList("References")

	contentIDs := map[string]bool{}
	var cidRefs []string
	defer func() {
		for _, ref := range cidRefs {
			if !contentIDs[ref] {
				t.Errorf("%s: HTML refers to cid:%s, which no part carries", where(), ref)
			}
		}
	}()
	for {
		p, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Errorf("%s: next part: %v", where(), err)
			break
		}
		body, err := io.ReadAll(p.Body)
		if err != nil {
			t.Errorf("%s: read part: %v", where(), err)
			break
		}
		var cp checkedPart
		switch ph := p.Header.(type) {
		case *mail.InlineHeader:
			cp.mediaType, _, _ = ph.ContentType()
			if id := ph.Get("Content-Id"); id != "" && cp.mediaType == "image/png" {
				contentIDs[strings.Trim(id, "<>")] = true
				out.inlineImages++
			}
		case *mail.AttachmentHeader:
			cp.mediaType, _, _ = ph.ContentType()
			cp.filename, err = ph.Filename()
			if err != nil || cp.filename == "" {
				t.Errorf("%s: attachment without a readable filename: %v", where(), err)
			}
		}
		if cp.mediaType == "text/html" {
			if strings.Contains(string(body), "http://images.example.invalid/") {
				out.remoteImages++
			}
			for _, chunk := range strings.Split(string(body), `src="cid:`)[1:] {
				cidRefs = append(cidRefs, chunk[:strings.IndexByte(chunk, '"')])
			}
		}
		if cp.mediaType == "image/png" && !bytes.HasPrefix(body, []byte("\x89PNG\r\n")) {
			t.Errorf("%s: PNG part does not decode to a PNG", where())
		}
		if cp.mediaType == "application/pdf" && !bytes.HasPrefix(body, []byte("%PDF-1.4")) {
			t.Errorf("%s: PDF part does not decode to a PDF", where())
		}
		out.parts = append(out.parts, cp)
	}
	return out
}
