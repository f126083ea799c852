package app

import (
	"cmp"
	"context"
	"slices"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/plugins"
	"github.com/webmail/webmail/session"
)

// ShowMessageInput asks for the page of a message in a mailbox.
type ShowMessageInput struct {
	Mailbox string
	UID     uint32
	// ShowImages is the user asking to see remote content this time.
	ShowImages bool
	// CrossSite says another site started the navigation (a link in a
	// mail from elsewhere): a GET must not change state for it, so the
	// message is not marked read on opening; the page does it itself.
	CrossSite bool
	// Thread asks for the message's conversation too (?thread=1).
	Thread bool
	// Pane is the message alone for the list's reading pane, which shows
	// no folder tree: Folders come without their counts (they would cost
	// the mail server five times the LIST).
	Pane bool
}

// MessagePage is what the page of a message in a mailbox shows.
type MessagePage struct {
	Message MessageDisplay
	// Folders is the user's folder list, for the folder tree and the
	// move targets; without counts for the reading pane.
	Folders []mail.Mailbox
	// Nav holds the neighbours (for j/k) and the message's flags.
	Nav mail.MessageNav
	// MarkReadAfter > 0 asks the page to mark the message read after that
	// many seconds (the user's delay, or at once from a cross-site
	// navigation); 0 when there is nothing to do.
	MarkReadAfter int
	// Banners are the plugins' lines of text for above the body (plain
	// text: the page escapes them).
	Banners []plugins.PluginBanner
	// Conversation is the message's conversation, oldest first, the
	// message itself included; nil unless asked for (Thread).
	Conversation []MessageSummary
}

// ShowMessage reads a message for its page: it is fetched and parsed once
// and its HTML body sanitized once, all kept in the cache for the body
// document the page frames. Opening it marks it read, unless the user's
// mark-read delay hands that to the page (or turns it off): the fetch does
// it (BODY[] rather than BODY.PEEK[]), or, when the message came from the
// cache, a STORE in the flags' and neighbours' round trip.
func (a *App) ShowMessage(ctx context.Context, sess *session.Session, in ShowMessageInput) (MessagePage, error) {
	prefs := a.readerPrefs(ctx, sess)
	markNow := prefs.markReadDelay == 0 && !in.CrossSite
	var (
		page   MessagePage
		parsed *parsedMessage
		key    cacheKey
	)
	err := a.withIMAP(ctx, sess, func(client *mail.Client) error {
		var (
			err    error
			marked bool
		)
		ref := messageRef{mailbox: in.Mailbox, uid: in.UID}
		if parsed, key, marked, err = a.readMessageFor(ctx, client, sess, ref, readNeeds{markSeen: markNow}); err != nil {
			return err
		}
		nav := client.MessageNav
		if markNow && !marked {
			nav = client.MessageNavMarkingSeen
		}
		if page.Nav, err = nav(ctx, in.Mailbox, in.UID); err != nil {
			return err
		}
		if in.Thread {
			if page.Conversation, err = conversationOf(ctx, client, in.Mailbox, in.UID); err != nil {
				return err
			}
		}
		if in.Pane {
			page.Folders, err = client.MailboxNames(ctx)
		} else {
			page.Folders, err = a.sidebarFolders(ctx, sess, client)
		}
		return err
	})
	if err != nil {
		return MessagePage{}, err
	}
	page.Message = a.display(ctx, displayInput{parsed: parsed, key: key, showImages: in.ShowImages, userID: prefs.userID, timeZone: prefs.timeZone, monospace: prefs.monospace})
	page.Banners = a.messageBanners(ctx, sess, in, page.Message, prefs.all)
	if (prefs.markReadDelay > 0 || in.CrossSite && prefs.markReadDelay == 0) && !page.Nav.Seen {
		page.MarkReadAfter = max(prefs.markReadDelay, 1)
	}
	return page, nil
}

// conversationOf is the conversation of a message, oldest first: the
// list's threading (and its cache) gives the members, one FETCH their
// summaries.
func conversationOf(ctx context.Context, client *mail.Client, mailbox string, uid uint32) ([]MessageSummary, error) {
	conv, err := client.ThreadOf(ctx, mailbox, uid)
	if err != nil {
		return nil, err
	}
	out := make([]MessageSummary, 0, len(conv.Messages))
	for _, m := range conv.Messages {
		out = append(out, m.Summary)
	}
	slices.SortStableFunc(out, func(a, b MessageSummary) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return cmp.Compare(a.UID, b.UID)
	})
	return out, nil
}
