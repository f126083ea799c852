package pages

import "github.com/webmail/webmail/templates/layout"

// ComposeView is the compose page: one form that works without
// JavaScript (fields to, cc, bcc, subject, body, identity, priority,
// read_receipt, send_at, csrf, revision), a separate upload form, and the
// data compose.js needs to add the rich-text editor, autosave and
// uploads with progress.
type ComposeView struct {
	Frame   layout.Frame
	Heading string // "New message", "Reply", "Forward", ...
	// URLs of the compose: the form posts to SaveURL (save), SendURL
	// (send), DiscardURL; UploadURL takes the upload form.
	SaveURL, SendURL, DiscardURL, UploadURL string
	BackURL                                 string
	Revision                                string
	To, Cc, Bcc, Subject                    string
	Body                                    string // the text body (the textarea)
	BodyHTML                                string // the rich body, sanitized; "" for text
	HTML                                    bool
	Identities                              []ComposeChoice
	Priorities                              []ComposeChoice
	ReadReceipt                             bool
	SendAt                                  string
	Uploads                                 []ComposeUpload
	// UploadLimit is the most the attachments may weigh altogether, in
	// bytes and in words; Remaining what is left.
	UploadLimit, Remaining int64
	UploadLimitText        string
	RemainingText          string
	// Status is a line after a save ("Draft saved at 14:02."); Overwrote
	// the banner after a save over another window's.
	Status    string
	Overwrote string
	Error     string
	// Script URLs of the editor, loaded on this page only.
	EditorScripts []string
	// Language of the page, for the browser's spellcheck.
	Lang string
}

// ComposeChoice is one option of a select.
type ComposeChoice struct {
	Value    string
	Label    string
	Selected bool
}

// ComposeUpload is one attachment of the compose.
type ComposeUpload struct {
	Name      string
	Size      string
	Bytes     int64
	URL       string // the owner's copy
	DeleteURL string
	Inline    bool
	TestID    string
}

// IdentitiesView is the identities settings page: the list, and the form
// to add one or edit the one chosen.
type IdentitiesView struct {
	Frame      layout.Frame
	Status     string
	Error      string
	Identities []IdentityRow
	// Form is the identity being edited, or a new one (ID "").
	Form IdentityForm
}

// IdentityRow is one identity in the list.
type IdentityRow struct {
	ID        string
	Email     string
	Name      string
	EditURL   string
	DeleteURL string
	Login     bool // the login address: first, not deletable
}

// IdentityForm is the fields of an identity.
type IdentityForm struct {
	ID            string
	Email         string
	Name          string
	ReplyTo       string
	Bcc           string
	SignatureText string
	SignatureHTML string
	Login         bool // the address cannot be changed
}
