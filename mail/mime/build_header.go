package mime

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"net/textproto"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message"
)

// maxReferences bounds the References header: the first message of the
// thread and the latest ones are what threading needs (RFC 5322 3.6.4
// lets a client trim the list).
const maxReferences = 20

// reservedHeaders are the fields Build writes itself: ExtraHeaders may
// not set them, or an extra header could override a validated one.
var reservedHeaders = map[string]bool{
	"From": true, "Sender": true, "To": true, "Cc": true, "Bcc": true, "Reply-To": true,
	"Subject": true, "Date": true, "Message-Id": true, "In-Reply-To": true, "References": true,
	"Mime-Version": true, "Content-Type": true, "Content-Transfer-Encoding": true,
	"Content-Disposition": true, "Content-Id": true, "Return-Path": true, "Received": true,
	"Disposition-Notification-To": true, "X-Priority": true, "Importance": true,
	"Resent-From": true, "Resent-To": true, "Resent-Cc": true, "Resent-Bcc": true,
	"Resent-Sender": true, "Resent-Date": true, "Resent-Message-Id": true,
}

// topHeader validates the message's own fields and renders them, in the
// order mail clients write them.
func topHeader(m *Outgoing, draft bool) (fieldList, Built, error) {
	var h fieldList
	var built Built

	from, err := checkAddress("From", m.From)
	if err != nil {
		return nil, built, err
	}
	to, err := checkAddresses("To", m.To)
	if err != nil {
		return nil, built, err
	}
	cc, err := checkAddresses("Cc", m.Cc)
	if err != nil {
		return nil, built, err
	}
	bcc, err := checkAddresses("Bcc", m.Bcc)
	if err != nil {
		return nil, built, err
	}
	replyTo, err := checkAddresses("Reply-To", m.ReplyTo)
	if err != nil {
		return nil, built, err
	}
	var sender, receipt []Address
	if m.Sender != (Address{}) {
		a, err := checkAddress("Sender", m.Sender)
		if err != nil {
			return nil, built, err
		}
		sender = []Address{a}
	}
	if m.ReadReceiptTo != (Address{}) {
		a, err := checkAddress("Read receipt", m.ReadReceiptTo)
		if err != nil {
			return nil, built, err
		}
		receipt = []Address{a}
	}
	built.From = from.Email
	built.Recipients = envelopeRecipients(to, cc, bcc)
	if len(built.Recipients) == 0 && !draft {
		return nil, built, ErrNoRecipients
	}
	if err := checkText("Subject", m.Subject); err != nil {
		return nil, built, err
	}

	built.Date = m.Date
	if built.Date.IsZero() {
		built.Date = time.Now()
	}
	if m.MessageID != "" {
		if err := checkText("Message-ID", m.MessageID); err != nil {
			return nil, built, err
		}
		id, ok := cleanMsgID(m.MessageID)
		if !ok {
			return nil, built, &FieldError{Field: "Message-ID", Reason: "is not of the form <id@domain>"}
		}
		built.MessageID = id
	} else {
		built.MessageID = newMessageID(from.Email)
	}

	h.add("Date", built.Date.Format("Mon, 02 Jan 2006 15:04:05 -0700"))
	h.add("From", formatAddresses([]Address{from}))
	h.addAddresses("Sender", sender)
	h.addAddresses("To", to)
	h.addAddresses("Cc", cc)
	if draft {
		// A draft is the user's own: Bcc must survive until it is sent.
		h.addAddresses("Bcc", bcc)
	}
	h.addAddresses("Reply-To", replyTo)
	h.add("Subject", encodeWords(strings.ReplaceAll(m.Subject, "\t", " ")))
	h.add("Message-ID", "<"+built.MessageID+">")
	if err := addThreading(&h, m); err != nil {
		return nil, built, err
	}
	switch m.Priority {
	case PriorityHigh:
		h.add("X-Priority", "1 (Highest)")
		h.add("Importance", "High")
	case PriorityLow:
		h.add("X-Priority", "5 (Lowest)")
		h.add("Importance", "Low")
	}
	h.addAddresses("Disposition-Notification-To", receipt)
	for _, f := range m.ExtraHeaders {
		if err := addExtraHeader(&h, f); err != nil {
			return nil, built, err
		}
	}
	return h, built, nil
}

// fieldList is header fields in the order they are to be written.
type fieldList []HeaderField

func (l *fieldList) add(name, value string) { *l = append(*l, HeaderField{Name: name, Value: value}) }

func (l *fieldList) addAddresses(name string, list []Address) {
	if len(list) > 0 {
		l.add(name, formatAddresses(list))
	}
}

// header makes a go-message header. go-message writes fields last-added
// first, so they are added in reverse.
func (l fieldList) header() message.Header {
	var h message.Header
	for i := len(l) - 1; i >= 0; i-- {
		h.Add(l[i].Name, l[i].Value)
	}
	return h
}

// envelopeRecipients lists every recipient once, in order.
func envelopeRecipients(lists ...[]Address) []string {
	seen := map[string]bool{}
	var out []string
	for _, list := range lists {
		for _, a := range list {
			key := strings.ToLower(a.Email)
			if !seen[key] {
				seen[key] = true
				out = append(out, a.Email)
			}
		}
	}
	return out
}

// addThreading writes In-Reply-To and References. The IDs come from
// other people's messages, so a malformed one (spaces, no @) is left out
// rather than failing the reply; a control character is refused like
// anywhere else, because it can only be an attack.
func addThreading(h *fieldList, m *Outgoing) error {
	if err := checkText("In-Reply-To", m.InReplyTo); err != nil {
		return err
	}
	if id, ok := cleanMsgID(m.InReplyTo); ok {
		h.add("In-Reply-To", "<"+id+">")
	}
	var refs []string
	for _, ref := range m.References {
		if err := checkText("References", ref); err != nil {
			return err
		}
		if id, ok := cleanMsgID(ref); ok {
			refs = append(refs, "<"+id+">")
		}
	}
	if len(refs) > maxReferences {
		refs = append(refs[:1], refs[len(refs)-maxReferences+1:]...)
	}
	if len(refs) > 0 {
		// Separated by spaces, so the header folds between IDs.
		h.add("References", strings.Join(refs, " "))
	}
	return nil
}

// cleanMsgID accepts "<left@right>" or "left@right" made of the
// characters RFC 5322 allows in a msg-id (dot-atom text), and returns it
// without the angle brackets.
func cleanMsgID(s string) (string, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "<")
	s = strings.TrimSuffix(s, ">")
	if s == "" || len(s) > 250 {
		return "", false
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if !isMsgIDChar(s[i]) {
			return "", false
		}
	}
	return s, true
}

// isMsgIDChar reports RFC 5322 atext, the dot and the @ (and [] for a
// domain literal on the right).
func isMsgIDChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~.@[]", c) >= 0
}

// newMessageID returns "RANDOM@DOMAIN" with the sender's domain, which is
// ours to make unique in: 128 random bits need no clock or counter.
func newMessageID(fromEmail string) string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand since Go 1.24)
	random := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
	domain := fromEmail[strings.LastIndexByte(fromEmail, '@')+1:]
	return random + "@" + domain
}

// addExtraHeader adds one caller-supplied header after checking its name
// (printable ASCII without colon or space, not one Build writes itself)
// and its value (no control characters; non-ASCII is RFC 2047-encoded).
func addExtraHeader(h *fieldList, f HeaderField) error {
	field := "Header " + printable(f.Name)
	if f.Name == "" || len(f.Name) > 76 {
		return &FieldError{Field: field, Reason: "needs a name of 1 to 76 characters"}
	}
	for i := 0; i < len(f.Name); i++ {
		if c := f.Name[i]; c <= ' ' || c >= 0x7f || c == ':' {
			return &FieldError{Field: field, Reason: "has a name with characters other than letters, digits and punctuation"}
		}
	}
	if reservedHeaders[textproto.CanonicalMIMEHeaderKey(f.Name)] {
		return &FieldError{Field: field, Reason: "is set by the message itself and cannot be added"}
	}
	if err := checkText(field, f.Value); err != nil {
		return err
	}
	h.add(f.Name, encodeWords(f.Value))
	return nil
}

// formatParam renders one MIME parameter, as a quoted string when the
// value is short plain ASCII, else in RFC 2231 form, split into numbered
// sections so that no header line grows past the folding limit:
//
//	filename="report.pdf"
//	filename*=utf-8''%C3%A9t%C3%A9.pdf
//	filename*0*=utf-8''...; filename*1*=...
func formatParam(name, value string) string {
	if isPlainParam(value) && len(value) <= 60 {
		return fmt.Sprintf("%s=%q", name, value)
	}
	const sectionLen = 60
	var sections []string
	var cur strings.Builder
	cur.WriteString("utf-8''")
	for i := 0; i < len(value); i++ {
		c := value[i]
		var piece string
		if isAttrChar(c) {
			piece = string(c)
		} else {
			piece = fmt.Sprintf("%%%02X", c)
		}
		// Sections split between encoded octets, never inside "%XX".
		if cur.Len()+len(piece) > sectionLen {
			sections = append(sections, cur.String())
			cur.Reset()
		}
		cur.WriteString(piece)
	}
	sections = append(sections, cur.String())
	if len(sections) == 1 {
		return name + "*=" + sections[0]
	}
	parts := make([]string, len(sections))
	for i, s := range sections {
		parts[i] = fmt.Sprintf("%s*%d*=%s", name, i, s)
	}
	return strings.Join(parts, "; ")
}

// isPlainParam reports a value that fits a quoted-string as is.
func isPlainParam(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// isAttrChar reports RFC 2231 attribute-char: what may stay unencoded.
func isAttrChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}

// maxEncodedWord bounds one RFC 2047 encoded word. Shorter than the 75
// the RFC allows, so that the first word fits on the line after a long
// field name: go-message folds only at spaces, and a first word that does
// not fit leaves the whole field on one line.
const maxEncodedWord = 45

// encodeWords returns header text as RFC 2047 Q-encoded UTF-8 words
// separated by spaces (where the header folds), or unchanged when it is
// printable ASCII. Text that looks like an encoded word ("=?") is encoded
// too, so a reader never decodes what the user typed literally. A word
// never splits a character, as RFC 2047 requires.
func encodeWords(s string) string {
	if !needsEncoding(s) {
		return s
	}
	const prefix, suffix = "=?utf-8?q?", "?="
	const budget = maxEncodedWord - len(prefix) - len(suffix)
	var words []string
	var cur strings.Builder
	var buf [utf8.UTFMax]byte
	for _, r := range s {
		var enc string
		switch {
		case r == ' ':
			enc = "_"
		case r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("!*+-/", r)):
			enc = string(r)
		default:
			// Only characters RFC 2047 5(3) allows in a phrase stay
			// literal: this text may be a display name.
			n := utf8.EncodeRune(buf[:], r)
			var b strings.Builder
			for _, c := range buf[:n] {
				fmt.Fprintf(&b, "=%02X", c)
			}
			enc = b.String()
		}
		if cur.Len() > 0 && cur.Len()+len(enc) > budget {
			words = append(words, prefix+cur.String()+suffix)
			cur.Reset()
		}
		cur.WriteString(enc)
	}
	words = append(words, prefix+cur.String()+suffix)
	return strings.Join(words, " ")
}

func needsEncoding(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c >= 0x7f {
			return true
		}
	}
	return strings.Contains(s, "=?")
}
