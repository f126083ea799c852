package mime

import (
	"mime"
	netmail "net/mail"
	"strings"

	"github.com/emersion/go-message/charset"
	"golang.org/x/net/idna"
)

// maxAddressLength is the longest addr-spec SMTP carries (RFC 5321 4.5.3.1
// limits the path to 256 octets including the angle brackets).
const maxAddressLength = 254

// ParseRecipients parses what the user typed into an address field
// (field: "To", "Cc", ...): addresses separated by commas or semicolons,
// each "Name <user@example.org>" or "user@example.org". Unlike the
// tolerant ParseAddressList, which reads whatever a received message
// holds, it is strict: the first entry that is not a valid address is an
// *AddressError naming the field and that entry. Domains are turned into
// their ASCII (punycode) form; a non-ASCII local part is refused, since
// sending it would need SMTPUTF8.
func ParseRecipients(field, input string) ([]Address, error) {
	var out []Address
	for _, entry := range splitRecipients(input) {
		if strings.TrimSpace(entry) == "" {
			continue
		}
		if hasControl(entry) {
			return nil, addressError(field, entry, "it contains a line break or control character")
		}
		parser := netmail.AddressParser{WordDecoder: &mime.WordDecoder{CharsetReader: charset.Reader}}
		parsed, err := parser.Parse(entry)
		if err != nil {
			return nil, addressError(field, strings.TrimSpace(entry), "it is not of the form name@example.org")
		}
		addr, err := checkAddress(field, Address{Name: parsed.Name, Email: parsed.Address})
		if err != nil {
			return nil, err
		}
		out = append(out, addr)
	}
	return out, nil
}

// splitRecipients splits at commas and semicolons outside quotes, angle
// brackets and comments: `"Doe, Jane" <jane@example.org>; bob@example.org`
// is two entries.
func splitRecipients(input string) []string {
	var (
		entries []string
		start   int
		quoted  bool
		angle   int
		comment int
	)
	for i := 0; i < len(input); i++ {
		switch c := input[i]; {
		case c == '\\' && (quoted || comment > 0):
			i++
		case c == '"' && comment == 0:
			quoted = !quoted
		case quoted:
		case c == '(':
			comment++
		case c == ')' && comment > 0:
			comment--
		case c == '<' && comment == 0:
			angle++
		case c == '>' && angle > 0 && comment == 0:
			angle--
		case (c == ',' || c == ';') && angle == 0 && comment == 0:
			entries = append(entries, input[start:i])
			start = i + 1
		}
	}
	return append(entries, input[start:])
}

// checkAddress validates one address for a header and an SMTP envelope,
// and returns it with its domain in ASCII form.
func checkAddress(field string, a Address) (Address, error) {
	shown := a.Email
	if a.Name != "" {
		shown = a.Name + " <" + a.Email + ">"
	}
	if hasControl(a.Name) || hasControl(a.Email) {
		return Address{}, addressError(field, shown, "it contains a line break or control character")
	}
	email := strings.TrimSpace(a.Email)
	if email == "" {
		return Address{}, addressError(field, shown, "the address is missing")
	}
	at := strings.LastIndexByte(email, '@')
	if at <= 0 || at == len(email)-1 {
		return Address{}, addressError(field, shown, "it is not of the form name@example.org")
	}
	local, domain := email[:at], email[at+1:]
	for i := 0; i < len(local); i++ {
		if local[i] >= 0x80 {
			return Address{}, addressError(field, shown, "letters outside ASCII before the @ cannot be sent")
		}
	}
	asciiDomain, err := idna.Lookup.ToASCII(strings.ToLower(domain))
	if err != nil || asciiDomain == "" || strings.HasPrefix(asciiDomain, "[") {
		return Address{}, addressError(field, shown, "the part after the @ is not a valid domain")
	}
	email = local + "@" + asciiDomain
	if len(email) > maxAddressLength {
		return Address{}, addressError(field, shown, "it is too long")
	}
	// The standard library's parser has the last word on the local part
	// (dots, quoting, specials): what it accepts, it can also format.
	parsed, err := netmail.ParseAddress("<" + email + ">")
	if err != nil || !strings.EqualFold(parsed.Address, email) {
		return Address{}, addressError(field, shown, "it is not of the form name@example.org")
	}
	return Address{Name: strings.Join(strings.Fields(a.Name), " "), Email: parsed.Address}, nil
}

// checkAddresses validates a list; see checkAddress.
func checkAddresses(field string, list []Address) ([]Address, error) {
	out := make([]Address, 0, len(list))
	for _, a := range list {
		checked, err := checkAddress(field, a)
		if err != nil {
			return nil, err
		}
		out = append(out, checked)
	}
	return out, nil
}

// formatAddresses renders checked addresses for a header: display names
// quoted by net/mail when they are ASCII, RFC 2047-encoded otherwise.
func formatAddresses(list []Address) string {
	parts := make([]string, len(list))
	for i, a := range list {
		if a.Name != "" && needsEncoding(a.Name) {
			parts[i] = encodeWords(a.Name) + " " + (&netmail.Address{Address: a.Email}).String()
			continue
		}
		parts[i] = (&netmail.Address{Name: a.Name, Address: a.Email}).String()
	}
	return strings.Join(parts, ", ")
}
