// Package pages has one templ component per page; each takes one view model
// defined here, filled in by a handler.
package pages

import "github.com/webmail/webmail/templates/layout"

// LoginView is the login form.
type LoginView struct {
	Frame    layout.Frame
	CSRF     string
	Username string // echoed back after a failed attempt
	Error    string // a message safe to show, "" when none
}

// Folder is one entry of the folder tree.
type Folder struct {
	Name     string // display name
	URL      string
	Unseen   uint32
	Depth    int
	Current  bool
	NoSelect bool
	Special  string // "inbox", "sent", ... or ""
}

// MessageRow is one line of a message list.
type MessageRow struct {
	URL        string
	From       string
	Subject    string
	Date       string // short, for the list
	DateTitle  string // full date, for the tooltip
	Size       string
	Unread     bool
	Flagged    bool
	Answered   bool
	Attachment bool
}

// MailboxView is a page of a mailbox's message list.
type MailboxView struct {
	Frame    layout.Frame
	Folders  []Folder
	Mailbox  string // display name
	Total    uint32
	Unseen   uint32
	Page     int
	Pages    int
	PrevURL  string // "" on the first page
	NextURL  string // "" on the last page
	Messages []MessageRow
}

// Attachment is one downloadable part of a message.
type Attachment struct {
	Name        string
	ContentType string
	Size        string
	URL         string
}

// MessageView is one message.
type MessageView struct {
	Frame         layout.Frame
	Folders       []Folder
	BackURL       string
	Subject       string
	From          string
	To            string
	Cc            string
	Date          string
	TextHTML      string // plain-text body already escaped and linkified
	BodyURL       string // iframe source for the sanitized HTML body; "" when there is none
	BlockedRemote bool   // remote content was blocked in the HTML body
	ShowImagesURL string
	Attachments   []Attachment
	RawURL        string
}

// ErrorView is a page for an error the user must see.
type ErrorView struct {
	Frame   layout.Frame
	Status  int
	Title   string
	Message string
	BackURL string
}
