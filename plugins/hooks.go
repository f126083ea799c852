package plugins

import (
	"context"
	"net/http"
	"time"
)

// AfterLogin is implemented by a plugin that wants a say once a user's
// password was accepted by the mail server, before the session starts.
//
// Contract: it runs on the instance that handles the login, within
// HookTimeout. Returning a *Veto refuses the login and shows Veto.Message
// on the login page; the attempt does not count as a wrong password. Any
// other error, a panic or the deadline is logged and counted, and the login
// goes on (a broken plugin must not lock everyone out).
type AfterLogin interface {
	AfterLogin(ctx context.Context, login Login) error
}

// Login is a login the mail server accepted.
type Login struct {
	User     string // the login name as typed, trimmed
	ClientIP string
}

// BeforeSend is implemented by a plugin that checks or changes outgoing
// mail when the user presses Send, before anything is stored or queued.
//
// Contract: it runs on the instance that handles the send, within
// HookTimeout, once per press of Send, in the order of WEBMAIL_PLUGINS.
// It may change msg.Text and msg.HTML (a footer, say; HTML is sanitized
// again afterwards, so scripts never reach the message) and append to
// msg.Headers (names starting "X-"); changes to other fields are ignored.
// Returning a *Veto refuses the send and shows its message on the compose
// page; the compose stays as it is. A Veto with Confirmable set is a
// warning: the user may send anyway, and the next press carries
// msg.SendAnyway. Any other error, a panic or the deadline is logged and
// counted, and the message goes as the earlier plugins left it.
type BeforeSend interface {
	BeforeSend(ctx context.Context, msg *Outgoing) error
}

// Outgoing is a message about to be sent.
type Outgoing struct {
	User            string   // the sender's login
	From            string   // the From address
	To, Cc, Bcc     []string // addresses
	Subject         string
	Text            string // the plain-text body (generated from HTML when empty)
	HTML            string // the HTML body; "" for a plain-text message
	AttachmentNames []string
	// Prefs are the sender's values of this plugin's user settings
	// (UserSettings), by key.
	Prefs map[string]string
	// SendAnyway says the user confirmed a warning (a Confirmable veto).
	SendAnyway bool
	// Headers are extra header fields to add; plugins append.
	Headers []Header
}

// Header is a header field.
type Header struct{ Name, Value string }

// MessageBanner is implemented by a plugin that shows a line of text above
// the body of a message the user reads.
//
// Contract: it runs on the instance that renders the message page, within
// HookTimeout, for every message shown. Banners are plain text: the page
// escapes them, so a plugin can never put HTML or scripts into the page.
// An error, a panic or the deadline is logged and counted, and the message
// is shown without that plugin's banners.
type MessageBanner interface {
	MessageBanner(ctx context.Context, msg Message) ([]Banner, error)
}

// Message is what a banner plugin sees of a message being read.
type Message struct {
	User     string // the reader's login
	Mailbox  string
	UID      uint32
	Subject  string
	From, To []string // addresses
	Headers  []Header // every header field, decoded
	// Prefs are the reader's values of this plugin's user settings
	// (UserSettings), by key.
	Prefs map[string]string
}

// Banner is a line of text shown above a message body.
type Banner struct {
	Text string
	// Warning shows the banner as a warning rather than as information.
	Warning bool
}

// Routes is implemented by a plugin that serves pages of its own under
// /plugins/<name>/.
//
// Contract: the handler is mounted once at start, behind the same
// middleware as every route: a signed-in session (others are sent to the
// login page), CSRF checks on unsafe methods, security headers and the
// request limits. The path it sees has /plugins/<name> removed. UserOf
// tells who is signed in. A panic answers 500 and is counted.
type Routes interface {
	Routes() http.Handler
}

// Jobs is implemented by a plugin with periodic work for the cluster.
//
// Contract: each job runs on the instance holding the cluster job lease
// only (so once in the cluster), every Job.Every, with a deadline of the
// same length. An error or a panic is logged and counted, and the job runs
// again at its next turn.
type Jobs interface {
	Jobs() []Job
}

// Job is a plugin's periodic job; the runner names it plugin-<name>-<Name>.
type Job struct {
	Name  string
	Every time.Duration
	Run   func(ctx context.Context) error
}

// UserSettings is implemented by a plugin with settings each user chooses.
//
// Contract: the fields are shown as a section of the settings page, and
// the values kept per user with the user's preferences under the keys
// plugin.<name>.<key> (PrefKey). Hooks get the user's values in
// Outgoing.Prefs and Message.Prefs. A bool is "1" or "", a choice one of
// Choices, text at most MaxSettingLength bytes.
type UserSettings interface {
	UserSettings() []Field
}

// Field is a user setting.
type Field struct {
	Key     string // lower-case letters, digits and dashes
	Label   string
	Help    string
	Kind    FieldKind
	Choices []string // for FieldChoice
	Default string
}

// MaxSettingLength bounds a text setting's value.
const MaxSettingLength = 1000

// FieldKind is the type of a Field.
type FieldKind int

// The kinds of fields.
const (
	FieldText FieldKind = iota
	FieldBool
	FieldChoice
)
