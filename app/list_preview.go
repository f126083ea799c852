package app

import (
	"context"

	"github.com/webmail/webmail/mail"
	"github.com/webmail/webmail/session"
)

// previewEntrySize is what a cached preview is counted for besides its
// text: the key and the entry's bookkeeping.
const previewEntrySize = 160

// fillPreviews sets the Preview of the lines, the list's preview setting
// being on. A message's content never changes under one UID within one
// UIDVALIDITY, so a preview is cached for good in the instance's message
// cache; only the lines not seen before are fetched (mail.FetchPreviews),
// and a page seen before costs no IMAP command at all (the UIDVALIDITY
// comes from the SELECT the list itself made, or from the caller when it
// knows it: uidValidity 0 asks). Previews are a nicety: any failure leaves
// the lines without one, never fails the list.
func (a *App) fillPreviews(ctx context.Context, client *mail.Client, sess *session.Session, mailbox string, uidValidity uint32, lines []*mail.Summary) {
	if len(lines) == 0 {
		return
	}
	if uidValidity == 0 {
		var err error
		if uidValidity, err = client.UIDValidity(ctx, mailbox); err != nil {
			return
		}
	}
	server := client.Endpoint().String()
	key := func(uid uint32) cacheKey {
		return cacheKey{server: server, user: sess.User, mailbox: mailbox, uidValidity: uidValidity, uid: uid, kind: cachedPreview}
	}
	var missing []mail.Summary
	for _, line := range lines {
		if !line.HasPreviewSource() {
			continue
		}
		if cached, ok := a.messages.get(key(line.UID)); ok {
			line.Preview = cached.(string)
			continue
		}
		missing = append(missing, *line)
	}
	if len(missing) == 0 {
		return
	}
	// A partial answer (one section's FETCH refused) still gives the others.
	previews, _ := client.FetchPreviews(ctx, mailbox, missing)
	if now, err := client.UIDValidity(ctx, mailbox); err != nil || now != uidValidity {
		return // a mailbox made anew meanwhile: these UIDs name other messages
	}
	for _, line := range lines {
		text, ok := previews[line.UID]
		if !ok {
			continue
		}
		line.Preview = text
		a.messages.add(key(line.UID), text, int64(len(text)+previewEntrySize))
	}
}

// flatLines are the lines of a flat list page, to fill in place.
func flatLines(page *mail.SortedPage) []*mail.Summary {
	lines := make([]*mail.Summary, len(page.Messages))
	for i := range page.Messages {
		lines[i] = &page.Messages[i]
	}
	return lines
}

// threadLines are the lines of a conversations page, to fill in place.
func threadLines(page *mail.ThreadPage) []*mail.Summary {
	var lines []*mail.Summary
	for i := range page.Conversations {
		for j := range page.Conversations[i].Messages {
			lines = append(lines, &page.Conversations[i].Messages[j].Summary)
		}
	}
	return lines
}
