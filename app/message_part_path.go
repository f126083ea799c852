package app

import "strings"

// errNoSuchAddress is the answer to a part path that cannot name a part:
// the address is wrong, as for any unknown page.
var errNoSuchAddress = &Error{Code: CodeNotFound, Title: "Not found", Message: "There is nothing at this address."}

// ParsePartPath splits and checks a part path as it appears in URLs and
// forms: part IDs joined by ":" ("2:1.3"), each an IMAP part number
// (digits and dots), at most MaxPartDepth of them.
func ParsePartPath(path string) ([]string, error) {
	if path == "" || len(path) > 200 {
		return nil, errNoSuchAddress
	}
	ids := strings.Split(path, ":")
	if len(ids) > MaxPartDepth {
		return nil, errNoSuchAddress
	}
	for _, id := range ids {
		if id == "" || strings.Trim(id, "0123456789.") != "" || strings.HasPrefix(id, ".") || strings.HasSuffix(id, ".") {
			return nil, errNoSuchAddress
		}
	}
	return ids, nil
}
