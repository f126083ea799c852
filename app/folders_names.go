package app

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/webmail/webmail/mail"
)

// The naming rules of folders: how a name is typed, joined, split, shown
// and found, the same for every page and use case.

// maxFolderName bounds one level of a folder name, in bytes of UTF-8
// (servers store far longer names, people do not type them).
const maxFolderName = 200

// FolderDelimiter is the hierarchy separator of the account, "/" when the
// server did not say.
func FolderDelimiter(boxes []mail.Mailbox) string {
	for _, b := range boxes {
		if b.Delimiter != 0 {
			return string(b.Delimiter)
		}
	}
	return "/"
}

// FindFolder returns the mailbox named name (INBOX in any case).
func FindFolder(boxes []mail.Mailbox, name string) (mail.Mailbox, bool) {
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

// IsUnder reports whether name is below parent in the hierarchy.
func IsUnder(name, parent, delim string) bool {
	return strings.HasPrefix(name, parent+delim)
}

// joinFolder is the full name of leaf under parent ("" for the top level).
func joinFolder(parent, leaf, delim string) string {
	if parent == "" {
		return leaf
	}
	return parent + delim + leaf
}

// SplitFolder splits a full name into its parent and last element.
func SplitFolder(name, delim string) (parent, leaf string) {
	if i := strings.LastIndex(name, delim); i >= 0 {
		return name[:i], name[i+len(delim):]
	}
	return "", name
}

// FolderPath is a mailbox's full name as people read it: "Inbox" for
// INBOX, the decoded hierarchy otherwise.
func FolderPath(b mail.Mailbox) string {
	if b.Name == "INBOX" {
		return "Inbox"
	}
	return b.Name
}

// DisplayName is the display name of the mailbox called name in the list,
// name itself when it is not there.
func DisplayName(boxes []mail.Mailbox, name string) string {
	for _, b := range boxes {
		if b.Name == name {
			return b.DisplayName
		}
	}
	return name
}

// SpecialUse is the special use of the mailbox called name ("trash",
// ...), "" when it has none or is not in the list.
func SpecialUse(boxes []mail.Mailbox, name string) string {
	for _, b := range boxes {
		if b.Name == name {
			return b.SpecialUse
		}
	}
	return ""
}

// checkFolderLeaf checks a folder name as typed by the user (one level)
// and returns it trimmed, or a refusal that says what is wrong.
func checkFolderLeaf(leaf, delim string) (string, error) {
	leaf = strings.TrimSpace(leaf)
	refuse := func(msg string) (string, error) {
		return "", folderNameRefused(msg)
	}
	switch {
	case leaf == "":
		return refuse("Enter a name for the folder.")
	case !utf8.ValidString(leaf) || len(leaf) > maxFolderName:
		return refuse(fmt.Sprintf("That folder name is too long. Use at most %d characters.", maxFolderName))
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
func folderExists(boxes []mail.Mailbox, name string) error {
	if _, ok := FindFolder(boxes, name); ok {
		return errFolderExists()
	}
	return nil
}

func errFolderExists() *Error {
	return &Error{Code: CodeConflict, Title: "Folder exists",
		Message: "A folder with that name exists already. Choose another name or another place."}
}

func folderNameRefused(msg string) *Error {
	return &Error{Code: CodeInvalid, Title: "Folder name not possible", Message: msg}
}

// errNoSuchFolder is a folder named in a change that is gone.
func errNoSuchFolder() *Error {
	return &Error{Code: CodeNotFound, Title: "No such folder", Message: "That folder does not exist any more."}
}

// errNoSuchParent is an "Inside" folder that is gone.
func errNoSuchParent() *Error {
	return &Error{Code: CodeInvalid, Title: "No such folder",
		Message: "The folder you chose under “Inside” does not exist any more."}
}
