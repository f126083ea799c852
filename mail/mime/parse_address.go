package mime

import (
	"mime"
	netmail "net/mail"
	"strings"
)

// Address is one mailbox from an address header.
type Address struct {
	// Name is the decoded display name, "" if none.
	Name string
	// Email is the addr-spec ("user@example.org"); it may be "" for a
	// malformed entry that only had a name.
	Email string
}

// String formats the address for display: "Name <email>", or the email
// alone, or the name alone.
func (a Address) String() string {
	switch {
	case a.Name != "" && a.Email != "":
		return a.Name + " <" + a.Email + ">"
	case a.Email != "":
		return a.Email
	}
	return a.Name
}

// maxAddresses bounds the addresses read from one header.
const maxAddresses = 1000

// ParseAddressList parses an address header value. It tries the strict RFC
// 5322 parser first and, when that fails, parses each comma-separated entry
// on its own and finally falls back to heuristics, so a malformed header
// still shows who sent the message. When an entry holds several <...>
// parts, the last one is taken as the address: that is where a reply would
// go, so that is what the user must see (spoofing attempts like
// `"Someone" <valid@example.net>:<attacker@example.org>` show the attacker).
func ParseAddressList(raw string) []Address {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil
	}
	parser := netmail.AddressParser{WordDecoder: &mime.WordDecoder{CharsetReader: CharsetReader}}
	// net/mail leaves encoded words inside quoted names alone, which many
	// mailers use; decode those, but never decode twice what net/mail
	// decoded already (a decoded name may legitimately contain "=?").
	quotedWords := strings.Contains(raw, `"=?`)
	if list, err := parser.ParseList(raw); err == nil {
		return convertAddresses(list, quotedWords)
	}
	var out []Address
	for _, entry := range splitAddressEntries(raw) {
		if len(out) >= maxAddresses {
			break
		}
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		if strings.Count(entry, "<") <= 1 {
			if a, err := parser.Parse(entry); err == nil {
				out = append(out, convertAddresses([]*netmail.Address{a}, quotedWords)...)
				continue
			}
		}
		out = append(out, guessAddress(entry))
	}
	return out
}

func convertAddresses(list []*netmail.Address, quotedWords bool) []Address {
	out := make([]Address, 0, len(list))
	for _, a := range list {
		if len(out) >= maxAddresses {
			break
		}
		name := a.Name
		if quotedWords {
			name = DecodeHeaderText(name)
		}
		out = append(out, Address{Name: CleanDisplayName(name), Email: a.Address})
	}
	return out
}

// guessAddress makes the best of an entry the RFC parser rejected.
func guessAddress(entry string) Address {
	if open := strings.LastIndexByte(entry, '<'); open >= 0 {
		if end := strings.IndexByte(entry[open:], '>'); end > 0 {
			email := strings.TrimSpace(entry[open+1 : open+end])
			name := entry[:strings.IndexByte(entry, '<')]
			return Address{Name: CleanDisplayName(DecodeHeaderText(name)), Email: cleanEmail(email)}
		}
	}
	if strings.Contains(entry, "@") && !strings.ContainsAny(strings.TrimSpace(entry), " \t") {
		return Address{Email: cleanEmail(entry)}
	}
	return Address{Name: CleanDisplayName(DecodeHeaderText(entry))}
}

// CleanDisplayName removes surrounding quotes and white space from a display name.
func CleanDisplayName(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = strings.ReplaceAll(s[1:len(s)-1], `\"`, `"`)
	}
	s = strings.Trim(s, `"' `)
	return strings.Join(strings.Fields(s), " ")
}

func cleanEmail(s string) string {
	s = strings.Trim(strings.TrimSpace(s), `"'<>`)
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// splitAddressEntries splits on commas outside quotes, angle brackets and
// comments.
func splitAddressEntries(s string) []string {
	var (
		out     []string
		start   int
		quoted  bool
		angle   int
		comment int
	)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && quoted:
			i++
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '<':
			angle++
		case c == '>' && angle > 0:
			angle--
		case c == '(':
			comment++
		case c == ')' && comment > 0:
			comment--
		case c == ',' && angle == 0 && comment == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// ParseMessageIDs returns the message IDs in a Message-ID, In-Reply-To or
// References value, without angle brackets. Values without brackets are
// split on white space.
func ParseMessageIDs(v string) []string {
	var out []string
	for len(out) < maxAddresses {
		open := strings.IndexByte(v, '<')
		if open < 0 {
			break
		}
		end := strings.IndexByte(v[open:], '>')
		if end < 0 {
			break
		}
		if id := cleanMessageID(v[open+1 : open+end]); id != "" {
			out = append(out, id)
		}
		v = v[open+end+1:]
	}
	if out == nil {
		for _, f := range strings.Fields(v) {
			if len(out) >= maxAddresses {
				break
			}
			if id := cleanMessageID(strings.Trim(f, "<>,")); id != "" {
				out = append(out, id)
			}
		}
	}
	return out
}

// cleanMessageID removes white space and control characters from a
// message ID: a msg-id has none, a folded one should not keep its line
// break, and an ID goes back out in the In-Reply-To and References of a
// reply, where a line break would start a header of the sender's choosing.
func cleanMessageID(id string) string {
	return strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, id)
}
