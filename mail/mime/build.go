package mime

import (
	"fmt"
	"io"
	"time"
)

// Outgoing is a message to build with Build (to send) or BuildDraft (to
// save in Drafts). Every text field is UTF-8; the builder encodes it.
type Outgoing struct {
	From Address
	// Sender is set only when someone sends on behalf of From.
	Sender Address
	To, Cc []Address
	// Bcc recipients are in Built.Recipients; Build never writes them
	// into the message, BuildDraft does.
	Bcc     []Address
	ReplyTo []Address
	Subject string
	// Text is the plain-text body. With HTML set and Text empty, the text
	// part is generated from the HTML (HTMLToText).
	Text string
	// HTML is the rich-text body, already sanitized by the caller; "" for
	// a plain-text message.
	HTML string
	// InReplyTo and References are message IDs, with or without angle
	// brackets, from the message replied to.
	InReplyTo  string
	References []string
	Priority   Priority
	// ReadReceiptTo asks for a read receipt (Disposition-Notification-To)
	// to this address; zero for none.
	ReadReceiptTo Address
	// Date is the Date header; zero means now.
	Date time.Time
	// MessageID is the Message-ID without angle brackets; "" generates
	// <random@domain-of-From>. A retried send keeps the ID of the first
	// try, so recipients can tell the copies apart.
	MessageID   string
	Attachments []Attachment
	// ForwardedMessages are attached whole, as message/rfc822 parts
	// (forward as attachment).
	ForwardedMessages []ForwardedMessage
	// ExtraHeaders are added as given (User-Agent, X-Mailer, ...); the
	// fields Build writes itself cannot be set this way.
	ExtraHeaders []HeaderField
}

// Attachment is a file to attach. Its bytes are read from Open while the
// message is written, and never held in memory whole.
type Attachment struct {
	// Filename is the name the recipient sees. Control characters and
	// path separators are removed (browsers send "C:\fakepath\x.pdf");
	// "" becomes "attachment".
	Filename string
	// ContentType is the media type ("application/pdf"). Parameters are
	// dropped; an invalid, empty, multipart/* or message/* type becomes
	// application/octet-stream, since the browser that sent it is not to
	// be trusted with the structure of the message.
	ContentType string
	// ContentID makes the attachment an inline image of the HTML body,
	// which refers to it as "cid:" + ContentID. An attachment whose
	// ContentID the HTML does not mention is attached normally.
	ContentID string
	// Open returns the bytes; the builder closes them.
	Open func() (io.ReadCloser, error)
}

// ForwardedMessage is an RFC 5322 message attached as message/rfc822.
type ForwardedMessage struct {
	// Filename is offered to recipients who save it ("Subject.eml");
	// "" becomes "forwarded.eml".
	Filename string
	// Open returns the raw message; the builder closes it.
	Open func() (io.ReadCloser, error)
}

// HeaderField is one extra header.
type HeaderField struct {
	Name, Value string
}

// Priority is the message's importance, written as X-Priority and
// Importance, the pair mail clients read.
type Priority int

const (
	// PriorityNormal writes no priority headers.
	PriorityNormal Priority = iota
	// PriorityHigh is X-Priority 1, Importance High.
	PriorityHigh
	// PriorityLow is X-Priority 5, Importance Low.
	PriorityLow
)

// Built is what Build decided while writing a message.
type Built struct {
	// MessageID is the Message-ID, without angle brackets.
	MessageID string
	// Date is the Date header's time.
	Date time.Time
	// From is the From address (ASCII domain): the envelope sender.
	From string
	// Recipients are the To, Cc and Bcc addresses, each once, with ASCII
	// domains: the envelope recipients.
	Recipients []string
}

// Build writes m as an RFC 5322 message to w, streaming: attachments are
// copied from their openers as they are written. The structure is the
// smallest that holds the content: text/plain alone; with HTML a
// multipart/alternative of a text part and the HTML (the HTML inside a
// multipart/related with its inline images); with attachments or
// forwarded messages a multipart/mixed around that. Text is
// quoted-printable, attachments base64, all in UTF-8; non-ASCII names and
// subjects are RFC 2047-encoded and non-ASCII filenames RFC 2231-encoded.
//
// Every field is checked before the first byte is written: an invalid
// address is an *AddressError, a field that would break out of its header
// (CR, LF, NUL, other controls) or is malformed a *FieldError, and a
// message without any recipient ErrNoRecipients. An opener's error stops
// the writing: w then holds part of a message, to be thrown away.
func Build(w io.Writer, m Outgoing) (Built, error) {
	return build(w, &m, false)
}

// BuildDraft writes m like Build, for the Drafts folder: it keeps Bcc in
// the header (the draft is the user's own, and Bcc must survive until
// the message is sent) and allows a message without recipients.
func BuildDraft(w io.Writer, m Outgoing) (Built, error) {
	return build(w, &m, true)
}

func build(w io.Writer, m *Outgoing, draft bool) (Built, error) {
	header, built, err := topHeader(m, draft)
	if err != nil {
		return Built{}, err
	}
	root, err := bodyTree(m)
	if err != nil {
		return Built{}, err
	}
	if err := writeTree(w, header, root); err != nil {
		return Built{}, fmt.Errorf("mime: build message: %w", err)
	}
	return built, nil
}
