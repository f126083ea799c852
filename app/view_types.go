package app

import (
	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/mail/mime"
	"github.com/webmail/webmail/store"
)

// The mail, MIME and stored types the use cases' results carry, under the names
// the callers of this package use. The HTTP layer renders them through
// these names and so depends on the application alone, not on how mail
// is fetched or parsed; when a result needs a shape of its own, the alias
// becomes a type here and only this package changes.
type (
	// Mailbox is one folder of the user's account.
	Mailbox = mail.Mailbox
	// MessageSummary is one message as a list row shows it.
	MessageSummary = mail.Summary
	// Conversation is a thread as a list row shows it.
	Conversation = mail.Conversation
	// MessageNav is the previous and next message around the one shown.
	MessageNav = mail.MessageNav
	// SearchMatches are the messages an all-folders search found.
	SearchMatches = mail.SearchResults
	// SortKey is the column a list is sorted by.
	SortKey = mail.SortKey
	// Filter narrows a list to unread or flagged messages.
	Filter = mail.Filter
	// Address is one address of a message header.
	Address = mime.Address
	// MessagePart is one part of a message's MIME structure.
	MessagePart = mime.Part
	// Compose is a message being written, as the compose page shows it.
	Compose = store.Compose
	// ComposeKind says how a compose began (new, reply, forward...).
	ComposeKind = store.ComposeKind
	// Identity is a sender identity of the user.
	Identity = store.Identity
)

// How a compose began.
const (
	ComposeNew             = store.ComposeNew
	ComposeReply           = store.ComposeReply
	ComposeReplyAll        = store.ComposeReplyAll
	ComposeForward         = store.ComposeForward
	ComposeForwardAttached = store.ComposeForwardAttached
	ComposeDraft           = store.ComposeDraft
)

// The formats of a compose's body.
const (
	FormatText = store.FormatText
	FormatHTML = store.FormatHTML
)

// The sort keys a list offers.
const (
	SortDate    = mail.SortDate
	SortFrom    = mail.SortFrom
	SortSubject = mail.SortSubject
	SortSize    = mail.SortSize
	SortArrival = mail.SortArrival
)

// The list filters.
const (
	FilterAll     = mail.FilterAll
	FilterUnread  = mail.FilterUnread
	FilterFlagged = mail.FilterFlagged
)

// SafeFilename is name made safe to offer as a download's file name, or
// fallback made safe when nothing of name is left (mime.SafeFilename).
func SafeFilename(name, fallback string) string { return mime.SafeFilename(name, fallback) }
