package mail

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/webmail/webmail/mail/mime"
)

// sortValue is one message's sort key in the client-side fallback.
type sortValue struct {
	uid  uint32
	date time.Time
	text string
	size int64
}

// sortClientSide orders uids (ascending) of the selected mailbox by key,
// descending or not, ties by UID ascending, fetching only the key: a header field or the
// size, for every message of the mailbox. Fetching 1:* rather than the
// UIDs keeps the command short however scattered the matches are.
func (c *Client) sortClientSide(ctx context.Context, mailbox string, key SortKey, descending bool, uids []uint32) ([]uint32, error) {
	if len(uids) == 0 {
		return []uint32{}, nil
	}
	wanted := make(map[uint32]bool, len(uids))
	for _, uid := range uids {
		wanted[uid] = true
	}
	options := &imap.FetchOptions{UID: true}
	var section *imap.FetchItemBodySection
	switch key {
	case SortSize:
		options.RFC822Size = true
	case SortFrom:
		section = &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: []string{"From"}, Peek: true}
	case SortSubject:
		section = &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: []string{"Subject"}, Peek: true}
	default:
		options.InternalDate = true
		section = &imap.FetchItemBodySection{Specifier: imap.PartSpecifierHeader, HeaderFields: []string{"Date"}, Peek: true}
	}
	if section != nil {
		options.BodySection = []*imap.FetchItemBodySection{section}
	}
	values := make(map[uint32]*sortValue, len(uids))
	var all imap.SeqSet
	all.AddRange(1, 0)
	err := c.fetchEach(ctx, "sort keys in "+mailbox, all, options, func(m *imapclient.FetchMessageBuffer) {
		uid := uint32(m.UID)
		if !wanted[uid] {
			return
		}
		v := values[uid]
		if v == nil {
			v = &sortValue{uid: uid}
			values[uid] = v
		}
		if m.RFC822Size > 0 {
			v.size = m.RFC822Size
		}
		if section == nil {
			return
		}
		raw := m.FindBodySection(section)
		if raw == nil {
			return
		}
		fields := mime.ReadHeaderFields(raw)
		switch key {
		case SortFrom:
			from, _ := fields.Value("From")
			v.text = displaySortName(mime.ParseAddressList(from))
		case SortSubject:
			subject, _ := fields.Value("Subject")
			v.text = baseSubject(mime.DecodeHeaderText(subject))
		default:
			date, _ := fields.Value("Date")
			v.date = mime.ParseDate(date)
			if v.date.IsZero() {
				v.date = m.InternalDate
			}
		}
	})
	if err != nil {
		return nil, err
	}
	list := make([]*sortValue, 0, len(uids))
	for _, uid := range uids {
		if v := values[uid]; v != nil {
			list = append(list, v)
		} // else expunged since the search
	}
	slices.SortStableFunc(list, func(a, b *sortValue) int {
		var byKey int
		switch key {
		case SortSize:
			byKey = cmp.Compare(a.size, b.size)
		case SortFrom, SortSubject:
			byKey = strings.Compare(a.text, b.text)
		default:
			byKey = a.date.Compare(b.date)
		}
		if descending {
			byKey = -byKey
		}
		if byKey != 0 {
			return byKey
		}
		return cmp.Compare(a.uid, b.uid)
	})
	out := make([]uint32, len(list))
	for i, v := range list {
		out[i] = v.uid
	}
	return out, nil
}

// displaySortName is what a list sorted by sender sorts on: the first
// sender's display name, else the address (RFC 5957 DISPLAYFROM),
// case-folded.
func displaySortName(addrs []mime.Address) string {
	if len(addrs) == 0 {
		return ""
	}
	if addrs[0].Name != "" {
		return strings.ToLower(addrs[0].Name)
	}
	return strings.ToLower(addrs[0].Email)
}

// baseSubject is the subject a list sorted by subject sorts on (RFC 5256
// section 2.1, simplified): reply and forward prefixes, [list] tags before
// them and a trailing "(fwd)" removed, white space collapsed, case folded.
func baseSubject(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	for {
		before := s
		for strings.HasSuffix(s, "(fwd)") {
			s = strings.TrimSpace(strings.TrimSuffix(s, "(fwd)"))
		}
		s = trimSubjectLeaders(s)
		if strings.HasPrefix(s, "[fwd:") && strings.HasSuffix(s, "]") {
			s = strings.TrimSpace(s[len("[fwd:") : len(s)-1])
		}
		if s == before {
			return s
		}
	}
}

// trimSubjectLeaders removes leading "re:", "fw:", "fwd:" (with an
// optional [blob] before the colon) and [blob]s such as list tags, as long
// as something remains.
func trimSubjectLeaders(s string) string {
	for {
		rest := trimBlobs(s)
		if after, ok := cutReplyPrefix(rest); ok && after != "" {
			s = after
			continue
		}
		if rest != s && rest != "" {
			s = rest
			continue
		}
		return s
	}
}

// trimBlobs removes leading "[...]" groups.
func trimBlobs(s string) string {
	for strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			break
		}
		s = strings.TrimSpace(s[end+1:])
	}
	return s
}

// cutReplyPrefix removes one "re:", "fw:" or "fwd:" (optionally "re[2]:").
func cutReplyPrefix(s string) (string, bool) {
	for _, prefix := range []string{"re", "fwd", "fw"} {
		after, ok := strings.CutPrefix(s, prefix)
		if !ok {
			continue
		}
		after = strings.TrimLeft(after, " ")
		if strings.HasPrefix(after, "[") {
			if end := strings.IndexByte(after, ']'); end >= 0 {
				after = strings.TrimLeft(after[end+1:], " ")
			}
		}
		if rest, ok := strings.CutPrefix(after, ":"); ok {
			return strings.TrimSpace(rest), true
		}
	}
	return s, false
}
