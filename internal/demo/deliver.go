package demo

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-message/textproto"
)

// delivery is the envelope information a delivery stamps on a message.
type delivery struct {
	from          string
	helo          string
	remoteAddr    string
	authenticated bool
	received      time.Time
}

// deliver appends raw to the account's INBOX, unseen, with trace headers
// (Return-Path, Received) as a final delivery agent adds them. INTERNALDATE
// is the time of arrival.
func (d delivery) deliver(acct *account, raw []byte) error {
	msg := d.stamp(acct.address, normalizeCRLF(raw))
	_, err := acct.mail.Append("INBOX", bytes.NewReader(msg), &imap.AppendOptions{Time: d.received})
	if err != nil {
		return fmt.Errorf("demo: deliver to %s: %w", acct.address, err)
	}
	return nil
}

// stamp prepends trace headers, and for logged-in submissions the Date and
// Message-ID a submission server adds when the client left them out
// (RFC 6409 section 8).
func (d delivery) stamp(rcpt string, raw []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "Return-Path: <%s>\r\n", d.from)
	with := "ESMTP"
	if d.authenticated {
		with = "ESMTPA" // RFC 3848
	}
	host, _, _ := net.SplitHostPort(d.remoteAddr)
	fmt.Fprintf(&b, "Received: from %s ([%s])\r\n\tby localhost (webmail demo) with %s\r\n\tfor <%s>; %s\r\n",
		sanitizeHelo(d.helo), host, with, rcpt, d.received.Format(time.RFC1123Z))
	if d.authenticated {
		header, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(raw)))
		if err == nil {
			if !header.Has("Date") {
				fmt.Fprintf(&b, "Date: %s\r\n", d.received.Format(time.RFC1123Z))
			}
			if !header.Has("Message-Id") {
				fmt.Fprintf(&b, "Message-ID: <%s@localhost>\r\n", strings.ToLower(rand.Text()))
			}
		}
	}
	b.Write(raw)
	return b.Bytes()
}

// sanitizeHelo keeps a client-chosen HELO name from injecting header lines.
func sanitizeHelo(helo string) string {
	clean := strings.Map(func(r rune) rune {
		if r <= ' ' || r > '~' || r == '(' || r == ')' {
			return -1
		}
		return r
	}, helo)
	if clean == "" {
		return "unknown"
	}
	return clean
}

// normalizeCRLF turns bare LF (and bare CR) line endings into CRLF, as
// IMAP requires.
func normalizeCRLF(raw []byte) []byte {
	if !bytes.ContainsAny(raw, "\r\n") {
		return raw
	}
	var b bytes.Buffer
	b.Grow(len(raw) + len(raw)/40)
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; c {
		case '\r':
			b.WriteString("\r\n")
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
		case '\n':
			b.WriteString("\r\n")
		default:
			b.WriteByte(c)
		}
	}
	return b.Bytes()
}
