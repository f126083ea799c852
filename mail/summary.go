package mail

import (
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/webmail/webmail/mail/mime"
)

// Page sizes ListSorted accepts (see ListQuery).
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// Summary is one line of a message list.
type Summary struct {
	UID     uint32
	Subject string
	From    []mime.Address
	To      []mime.Address
	// Date is the Date header, or the arrival time when that is missing.
	Date time.Time
	// Size is the size of the whole message in bytes.
	Size                           int64
	Seen, Flagged, Answered, Draft bool
	// HasAttachments is derived from BODYSTRUCTURE: some part has
	// disposition attachment, or is a leaf that is neither text (unless it
	// has a file name), nor an image with a Content-ID, nor a signature.
	HasAttachments bool
}

// summarize makes the list line of a message from what one FETCH of
// ENVELOPE, FLAGS, INTERNALDATE, RFC822.SIZE and BODYSTRUCTURE returned.
func summarize(uid imap.UID, env *imap.Envelope, flags []imap.Flag, internalDate time.Time, size int64, bs imap.BodyStructure) Summary {
	s := Summary{UID: uint32(uid), Date: internalDate, Size: size}
	if env != nil {
		s.Subject = strings.Join(strings.Fields(strings.ToValidUTF8(env.Subject, "\uFFFD")), " ")
		s.From = envelopeAddresses(env.From)
		s.To = envelopeAddresses(env.To)
		if !env.Date.IsZero() {
			s.Date = env.Date
		}
	}
	for _, f := range flags {
		switch {
		case strings.EqualFold(string(f), string(imap.FlagSeen)):
			s.Seen = true
		case strings.EqualFold(string(f), string(imap.FlagFlagged)):
			s.Flagged = true
		case strings.EqualFold(string(f), string(imap.FlagAnswered)):
			s.Answered = true
		case strings.EqualFold(string(f), string(imap.FlagDraft)):
			s.Draft = true
		}
	}
	if bs != nil {
		s.HasAttachments = hasAttachments(bs)
	}
	return s
}

// envelopeAddresses converts ENVELOPE addresses, skipping group markers.
func envelopeAddresses(list []imap.Address) []mime.Address {
	var out []mime.Address
	for _, a := range list {
		if a.IsGroupStart() || a.IsGroupEnd() {
			continue
		}
		out = append(out, mime.Address{
			Name:  mime.CleanDisplayName(strings.ToValidUTF8(a.Name, "\uFFFD")),
			Email: strings.ToValidUTF8(a.Addr(), "\uFFFD"),
		})
	}
	return out
}
