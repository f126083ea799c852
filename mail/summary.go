package mail

import (
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

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
	// Preview is the start of the message's text for the list, filled in
	// by the caller from FetchPreviews (or its cache); "" when not asked.
	Preview string
	// previewFrom is the part Preview is read from; nil without one.
	previewFrom *previewSource
}

// A list line's subject, addresses and date come from the header fields
// themselves (BODY.PEEK[HEADER.FIELDS (...)]), read by mime's parser, not
// from ENVELOPE: go-imap reads an envelope a byte at a time and tries a
// dozen date layouts that fail (each failure allocates) before the usual
// one; that was a fifth of the webmail's CPU per list page. The list also
// reads them as the message page does.

// listHeaderSection is the header block a list line is made from.
func listHeaderSection() *imap.FetchItemBodySection {
	return &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader,
		HeaderFields: []string{"Date", "From", "To", "Subject"}, Peek: true}
}

// listFetchOptions is what a list fetches for each line.
func listFetchOptions() *imap.FetchOptions {
	return &imap.FetchOptions{
		BodySection:   []*imap.FetchItemBodySection{listHeaderSection()},
		Flags:         true,
		InternalDate:  true,
		RFC822Size:    true,
		UID:           true,
		BodyStructure: &imap.FetchItemBodyStructure{Extended: true},
	}
}

// listLine makes the list line from one answer to listFetchOptions; ok is
// false for an answer that is not one (a flag update).
func listLine(m *imapclient.FetchMessageBuffer) (s Summary, ok bool) {
	if len(m.BodySection) == 0 {
		return Summary{}, false
	}
	return summarize(m.UID, m.BodySection[0].Bytes, m.Flags, m.InternalDate, m.RFC822Size, m.BodyStructure), true
}

// summarize makes the list line of a message from what one FETCH of the
// header fields, FLAGS, INTERNALDATE, RFC822.SIZE and BODYSTRUCTURE
// returned.
func summarize(uid imap.UID, header []byte, flags []imap.Flag, internalDate time.Time, size int64, bs imap.BodyStructure) Summary {
	s := Summary{UID: uint32(uid), Date: internalDate, Size: size}
	fields := mime.ReadHeaderFields(header)
	value := func(key string) string { v, _ := fields.Value(key); return v }
	s.Subject = strings.Join(strings.Fields(strings.ToValidUTF8(mime.DecodeHeaderText(value("Subject")), "\uFFFD")), " ")
	s.From = mime.ParseAddressList(value("From"))
	s.To = mime.ParseAddressList(value("To"))
	if date := mime.ParseDate(value("Date")); !date.IsZero() {
		s.Date = date
	}
	s.setFlags(flags)
	if bs != nil {
		s.HasAttachments = hasAttachments(bs)
		s.previewFrom = pickPreviewSource(bs)
	}
	return s
}

// setFlags sets the line's flags to flags, the message's whole set.
func (s *Summary) setFlags(flags []imap.Flag) {
	s.Seen, s.Flagged, s.Answered, s.Draft = false, false, false, false
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
}
