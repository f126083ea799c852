package mail

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
)

// Page sizes ListMessages accepts.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// Summary is one line of a message list.
type Summary struct {
	UID     uint32
	Subject string
	From    []Address
	To      []Address
	// Date is the Date header, or the arrival time when that is missing.
	Date time.Time
	// Size is the size of the whole message in bytes.
	Size                           int64
	Seen, Flagged, Answered, Draft bool
	// HasAttachments is derived from BODYSTRUCTURE: some part has
	// disposition attachment, or is a leaf that is neither text (unless it
	// has a file name), nor an image with a Content-ID, nor a signature.
	HasAttachments bool
	// Preview is a short text excerpt; ListMessages leaves it empty.
	Preview string
}

// Page is one page of a mailbox's message list.
type Page struct {
	Mailbox string
	// Total and Unseen count the messages in the whole mailbox.
	Total, Unseen uint32
	// Page is the 1-based page number asked for, PageSize the size used
	// and Pages the number of pages (at least 1, even when empty).
	Page, PageSize, Pages int
	// Messages holds the page's messages, newest first; empty when the
	// page is out of range.
	Messages []Summary
}

// ListMessages returns page number page (1-based) of mailbox, newest first
// in arrival (sequence number) order, with one FETCH of ENVELOPE, FLAGS,
// INTERNALDATE, RFC822.SIZE, BODYSTRUCTURE and UID for the page's sequence
// range. pageSize <= 0 means DefaultPageSize; it is capped at MaxPageSize.
// A page out of range gives no Messages but correct totals; an unknown
// mailbox is ErrNotFound.
func (c *Client) ListMessages(ctx context.Context, mailbox string, page, pageSize int) (Page, error) {
	if pageSize <= 0 {
		pageSize = DefaultPageSize
	}
	pageSize = min(pageSize, MaxPageSize)
	total, err := c.selectMailbox(ctx, mailbox)
	if err != nil {
		return Page{}, err
	}
	unseen, err := c.countUnseen(ctx)
	if err != nil {
		return Page{}, err
	}
	p := Page{
		Mailbox:  c.selected,
		Total:    total,
		Unseen:   unseen,
		Page:     page,
		PageSize: pageSize,
		Pages:    max(1, int((int64(total)+int64(pageSize)-1)/int64(pageSize))),
		Messages: []Summary{},
	}
	if page < 1 || page > p.Pages || total == 0 {
		return p, nil
	}
	hi := int64(total) - int64(page-1)*int64(pageSize)
	lo := max(1, hi-int64(pageSize)+1)
	var seqs imap.SeqSet
	seqs.AddRange(uint32(lo), uint32(hi))
	options := &imap.FetchOptions{
		Envelope:      true,
		Flags:         true,
		InternalDate:  true,
		RFC822Size:    true,
		UID:           true,
		BodyStructure: &imap.FetchItemBodyStructure{Extended: true},
	}
	err = c.do(ctx, "list messages in "+mailbox, func() error {
		msgs, err := c.imap.Fetch(seqs, options).Collect()
		if err != nil {
			return err
		}
		sort.Slice(msgs, func(i, j int) bool { return msgs[i].SeqNum > msgs[j].SeqNum })
		for _, m := range msgs {
			if m.UID == 0 {
				continue // an unsolicited update, not an answer
			}
			p.Messages = append(p.Messages, summarize(m.UID, m.Envelope, m.Flags, m.InternalDate, m.RFC822Size, m.BodyStructure))
		}
		return nil
	})
	if err != nil {
		return Page{}, err
	}
	return p, nil
}

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
func envelopeAddresses(list []imap.Address) []Address {
	var out []Address
	for _, a := range list {
		if a.IsGroupStart() || a.IsGroupEnd() {
			continue
		}
		out = append(out, Address{
			Name:  cleanName(strings.ToValidUTF8(a.Name, "\uFFFD")),
			Email: strings.ToValidUTF8(a.Addr(), "\uFFFD"),
		})
	}
	return out
}
