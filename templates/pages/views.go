// Package pages has one templ component per page; each takes one view model
// defined here, filled in by a handler.
package pages

import (
	"github.com/webmail/webmail/templates/components"
	"github.com/webmail/webmail/templates/layout"
)

// LoginView is the login form.
type LoginView struct {
	Frame    layout.Frame
	CSRF     string
	Username string // echoed back after a failed attempt
	Error    string // a message safe to show, "" when none
}

// ListLink is one choice of a set of links (messages or conversations;
// all, unread or flagged).
type ListLink struct {
	Label   string
	URL     string
	Current bool
	TestID  string
}

// HiddenField is a form field carried along unchanged.
type HiddenField struct {
	Name  string
	Value string
}

// SearchBox is the quick search form above a list.
type SearchBox struct {
	Action      string        // GET target
	Query       string        // the words searched for, "" when none
	Hidden      []HiddenField // list settings kept while searching
	AdvancedURL string
}

// ListSearchView is the advanced search form's state.
type ListSearchView struct {
	Q, From, To, Subject, Body string
	Since, Until               string // YYYY-MM-DD
	Attachment                 bool
	Larger, Smaller            string // KB
	Mailbox                    string // "" for every folder
	Mailboxes                  []components.FolderOption
}

// MailboxView is a page of a mailbox's message list.
type MailboxView struct {
	Frame    layout.Frame
	Folders  []components.Folder
	Mailbox  string // display name
	Total    uint32
	Unseen   uint32
	Page     int
	Pages    int
	PrevURL  string // "" on the first page
	NextURL  string // "" on the last page
	Messages []components.MessageRow

	// Fields below were added with sorting, threads, search and actions
	// (issue 3).
	Status         string // a one-line confirmation of the last action, "" when none
	ListURL        string // this list with its settings, for in-page refreshes
	Columns        []components.SortColumn
	Views          []ListLink // messages or conversations
	Filters        []ListLink // all, unread, flagged
	Search         SearchBox
	Searching      bool   // a search or filter narrows the list
	SearchSummary  string // what matched, "" without a search
	ClearSearchURL string
	Notice         string // the list is approximate, "" when exact
	Threads        bool   // the conversations view
	Matches        int    // messages (or conversations) the list holds over all its pages
	Actions        components.ListActions
	// ReadingPane is where a wide screen shows an opened message:
	// "right" or "below" the list; "" (the "off" setting) opens the
	// message page, as a narrow screen always does.
	ReadingPane string
}

// SearchView is the advanced search form and results from every folder.
type SearchView struct {
	Frame    layout.Frame
	Folders  []components.Folder
	Form     ListSearchView
	Searched bool   // a search ran: show results
	Error    string // the form is not valid; a message safe to show
	Status   string
	Summary  string // "12 messages found in 8 folders."
	Capped   bool   // more matched than shown
	Skipped  []string
	Messages []components.MessageRow
	Actions  components.ListActions
	ListURL  string
}

// ListConfirmView asks before an action that cannot be undone.
type ListConfirmView struct {
	Frame     layout.Frame
	Folders   []components.Folder
	Question  string
	Detail    string
	URL       string // POST target
	Fields    []HiddenField
	Button    string // the confirming button's label
	CancelURL string
}

// Attachment is one downloadable part of a message.
type Attachment struct {
	Name        string
	ContentType string
	Size        string
	URL         string
	PreviewURL  string // thumbnail of a raster image (served inline); "" for other types
	ViewURL     string // page showing an attached message (message/rfc822); "" otherwise
}

// HeaderLine is one header field of a message, decoded, for "all headers".
type HeaderLine struct {
	Name  string
	Value string
}

// MessageAction is what the message page's action form needs.
type MessageAction struct {
	URL        string // POST target of the action form
	NextUID    string // message to show after the message leaves this folder; "" for the list
	Flagged    bool
	InTrash    bool // delete removes for good
	InJunk     bool // offer "Not junk" instead of "Junk"
	InArchive  bool // no "Archive" button
	HasArchive bool
	Targets    []components.FolderOption // move and copy menu: the other selectable mailboxes
}

// SenderTrust is the "always show images from this sender" control.
type SenderTrust struct {
	Sender  string // the From address
	URL     string // POST target; fields csrf, sender, trust ("1" or "0") and part
	Part    string // the part path of an attached message, "" for a mailbox message
	Trusted bool   // images are shown because the sender is trusted
}

// MessageView is one message.
type MessageView struct {
	Frame         layout.Frame
	Folders       []components.Folder
	BackURL       string
	Subject       string
	From          string
	To            string
	Cc            string
	Date          string // in full, in the reader's time zone
	DateShort     string // relative with the time ("14:05", "Yesterday, 14:05"), as the list shows it
	DateISO       string // RFC 3339 for <time datetime>; "" when there is no date
	TextHTML      string // plain-text body already escaped and linkified
	BodyURL       string // iframe source for the sanitized HTML body; "" when there is none
	BlockedRemote bool   // remote content was blocked in the HTML body
	ShowImagesURL string
	Attachments   []Attachment
	RawURL        string

	// Fields below were added with the full message view (issue 3).
	Status        string       // a short confirmation of the last action, "" when none
	Headers       []HeaderLine // every header field, for "all headers"
	ReplyTo       string
	SourceURL     string
	PrintURL      string
	NewerURL      string // previous message in the list (k), "" when none
	OlderURL      string // next message in the list (j), "" when none
	ImagesShown   bool   // remote images are shown (asked for or trusted sender)
	Trust         *SenderTrust
	Actions       *MessageAction // nil for an attached message, which has no actions
	MarkReadURL   string         // when set, the page marks the message read after MarkReadAfter seconds
	MarkReadAfter int
	ParentURL     string // for an attached message: the message it is attached to
	// Write links to reply, forward or continue; nil for an attached
	// message.
	Write *MessageWriteLinks
	// Banners are the plugins' lines above the body, plain text.
	Banners []PluginBanner

	// Fields below were added with the reading pane (issue 11).
	MonospaceText   bool   // the text body in a fixed-width font (the plain_font setting)
	OriginalColours bool   // dark mode leaves the HTML body's colours alone
	ColoursURL      string // the page with the colours switch flipped (without JavaScript)
	// ConversationURL shows or hides the conversation (?thread=1); "" when
	// the message has no conversation view (an attached message).
	ConversationURL string
	// Conversation is the rest of the message's conversation, when shown.
	Conversation *ConversationView
}

// ConversationView is the other messages of a message's conversation, in
// order, split around the message shown.
type ConversationView struct {
	Before, After []ConversationItem
}

// ConversationItem is one other message of a conversation, folded: its
// header line, and its body loaded when it is opened.
type ConversationItem struct {
	From      string
	Date      string // short, relative ("Yesterday, 14:05")
	DateTitle string // in full, for the tooltip
	DateISO   string
	Snippet   string // the start of its text, "" when unknown
	Unread    bool
	URL       string // its own page
	BodyURL   string // its body document (HTML, or the text made into HTML)
}

// PluginBanner is a plugin's line of text above a message body; the
// template escapes it like any text.
type PluginBanner struct {
	Plugin  string
	Text    string
	Warning bool
}

// MessageWriteLinks are the links that start writing from a message.
type MessageWriteLinks struct {
	ReplyURL, ReplyAllURL, ForwardURL, ForwardAttachedURL string
	ContinueURL                                           string // a draft's "Continue writing"; "" elsewhere
}

// MessagePrintView is the print view of a message: a standalone document
// with the body inline, served with the body's strict CSP and sandbox.
type MessagePrintView struct {
	Subject     string
	From        string
	To          string
	Cc          string
	Date        string
	TextHTML    string // escaped and linkified plain text, when there is no HTML
	SafeHTML    string // sanitized HTML body, "" when there is none
	Attachments []Attachment
}

// MessageSourceView shows the raw message as text.
type MessageSourceView struct {
	Frame     layout.Frame
	Subject   string
	BackURL   string
	RawURL    string
	Source    string // the raw message as valid UTF-8, possibly cut
	Truncated bool
}

// FolderRow is one mailbox on the folder management page.
type FolderRow struct {
	Name       string // full IMAP name
	Label      string // last element, decoded
	Path       string // full decoded name
	Depth      int
	Special    string
	Messages   uint32
	Unseen     uint32
	NoSelect   bool
	Subscribed bool
	Protected  bool   // INBOX: cannot be renamed or deleted
	EditURL    string // the folder page with this folder's edit form open
}

// FolderEdit is the rename/move/delete form of one folder.
type FolderEdit struct {
	Name    string // full IMAP name
	Leaf    string // current last element, the form's default
	Parent  string // current parent's full name, "" at the top
	Special string
	Parents []components.FolderOption // where it may move: not itself nor below itself
}

// FoldersManageView is the folder management page at /folders.
type FoldersManageView struct {
	Frame              layout.Frame
	Folders            []components.Folder // the sidebar
	Rows               []FolderRow
	Parents            []components.FolderOption // parents for a new folder
	Edit               *FolderEdit               // nil unless a folder is being edited
	Status             string
	Error              string
	NewName            string // echoed after a failed create
	NewParent          string
	SubscriptionsKnown bool // false when the server cannot list subscriptions
	Delimiter          string
}

// FolderDeleteView asks to confirm deleting a folder.
type FolderDeleteView struct {
	Frame     layout.Frame
	Folders   []components.Folder
	Name      string // full IMAP name
	Path      string // decoded, for people
	Special   string // "sent", "trash"...: the page warns
	Messages  uint32
	Subfolder []string // decoded names of the folders deleted along with it
	BackURL   string
}

// ErrorView is a page for an error the user must see.
type ErrorView struct {
	Frame   layout.Frame
	Status  int
	Title   string
	Message string
	BackURL string
	// ConfirmURL, when set, offers to go on anyway: a form posting
	// ConfirmField=1 there (a plugin's warning the user may override).
	ConfirmURL   string
	ConfirmField string
	ConfirmLabel string
}

// SettingsView is the settings page at /settings. Values are form values,
// as chosen or, after a refused save, as sent.
type SettingsView struct {
	Frame      layout.Frame
	Status     string // "Settings saved." after a save, "" otherwise
	Error      string // why the save was refused, "" when it was not
	ErrorField string // the form field Error is about: its input is marked invalid

	PageSize  string // messages per page
	PageSizes []SettingsChoice
	ListView  string // "messages" or "threads"
	ListSort  string
	Sorts     []SettingsChoice

	MarkRead         string // "now", "delay" or "never"
	MarkReadDelay    string // seconds, for "delay"
	MaxMarkReadDelay int

	UndoSend        string // seconds a sent message can be taken back
	UndoSendChoices []SettingsChoice

	// PluginSections are the plugins' user settings, one fieldset each.
	PluginSections []SettingsPluginSection

	// Display settings: the values as the form sends them ("auto", "on",
	// "monospace"...; see app.DisplayForm).
	Theme         string
	Density       string
	ReadingPane   string
	ListPreview   string
	PlainFont     string
	Notifications string
	Language      string           // "auto" or a language code
	Languages     []SettingsChoice // the languages with a catalog
	TimeZone      string           // IANA name, "" until chosen
	TimeZones     []SettingsChoice
}

// SettingsPluginSection is one plugin's user settings.
type SettingsPluginSection struct {
	Plugin string
	Fields []SettingsPluginField
}

// SettingsPluginField is a plugin's setting on the settings form.
type SettingsPluginField struct {
	Name    string // the form field: plugin.<name>.<key>
	Label   string
	Help    string
	Kind    string // "text", "bool" or "choice"
	Value   string
	Choices []SettingsChoice
}

// SettingsChoice is one option of a settings menu.
type SettingsChoice struct {
	Value string
	Label string
}
