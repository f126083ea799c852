package handlers

import (
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/webmail/webmail/mail"
)

// maxFolderName bounds one level of a folder name, in bytes of UTF-8
// (servers store far longer names, people do not type them).
const maxFolderName = 200

// folderDelimiter is the hierarchy separator of the account, "/" when the
// server did not say.
func folderDelimiter(boxes []mail.Mailbox) string {
	for _, b := range boxes {
		if b.Delimiter != 0 {
			return string(b.Delimiter)
		}
	}
	return "/"
}

// findFolder returns the mailbox named name (INBOX in any case).
func findFolder(boxes []mail.Mailbox, name string) (mail.Mailbox, bool) {
	if strings.EqualFold(name, "INBOX") {
		name = "INBOX"
	}
	for _, b := range boxes {
		if b.Name == name {
			return b, true
		}
	}
	return mail.Mailbox{}, false
}

// isUnder reports whether name is below parent in the hierarchy.
func isUnder(name, parent, delim string) bool {
	return strings.HasPrefix(name, parent+delim)
}

// joinFolder is the full name of leaf under parent ("" for the top level).
func joinFolder(parent, leaf, delim string) string {
	if parent == "" {
		return leaf
	}
	return parent + delim + leaf
}

// splitFolder splits a full name into its parent and last element.
func splitFolder(name, delim string) (parent, leaf string) {
	if i := strings.LastIndex(name, delim); i >= 0 {
		return name[:i], name[i+len(delim):]
	}
	return "", name
}

// checkFolderLeaf checks a folder name as typed by the user (one level)
// and returns it trimmed, or a refusal that says what is wrong.
func checkFolderLeaf(leaf, delim string) (string, *UserError) {
	leaf = strings.TrimSpace(leaf)
	refuse := func(msg string) (string, *UserError) {
		return "", &UserError{Status: http.StatusBadRequest, Title: "Folder name not possible", Message: msg}
	}
	switch {
	case leaf == "":
		return refuse("Enter a name for the folder.")
	case !utf8.ValidString(leaf) || len(leaf) > maxFolderName:
		return refuse("That folder name is too long. Use at most 200 characters.")
	case strings.Contains(leaf, delim):
		return refuse("A folder name cannot contain \"" + delim + "\": it separates folders from the folders inside them. Choose the outer folder under “Inside” instead.")
	case strings.ContainsAny(leaf, "*%"):
		return refuse("A folder name cannot contain * or %.")
	case strings.ContainsFunc(leaf, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }):
		return refuse("A folder name cannot contain control characters.")
	case leaf == "." || leaf == "..":
		return refuse("Choose another folder name.")
	}
	return leaf, nil
}

// folderExists refuses a name that is taken (INBOX in any case).
func folderExists(boxes []mail.Mailbox, name string) *UserError {
	if _, ok := findFolder(boxes, name); ok {
		return errFolderExists()
	}
	return nil
}

func errFolderExists() *UserError {
	return &UserError{Status: http.StatusConflict, Title: "Folder exists",
		Message: "A folder with that name exists already. Choose another name or another place."}
}

// folderStatus is the confirmation shown on /folders after a change, from
// its ?done= code; unknown codes show nothing.
func folderStatus(done string) string {
	switch done {
	case "created":
		return "Folder created."
	case "renamed":
		return "Folder renamed."
	case "moved":
		return "Folder moved."
	case "unchanged":
		return "Nothing changed."
	case "deleted":
		return "Folder deleted."
	case "subscribed":
		return "Subscribed to the folder."
	case "unsubscribed":
		return "Unsubscribed from the folder."
	}
	return ""
}
