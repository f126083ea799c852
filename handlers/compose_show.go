package handlers

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/templates/pages"
)

// showCompose handles GET /compose/{id}: the compose page, as last
// saved. After a form save the query says when (saved=HH:MM) and whether
// it went over another window's save (overwrote=HH:MM).
func (s *Server) showCompose(c echo.Context) error {
	id, err := composeIDParam(c)
	if err != nil {
		return err
	}
	page, err := s.App.OpenCompose(c.Request().Context(), currentSession(c), id)
	if err != nil {
		return err
	}
	view := s.composeView(c, page)
	if at := c.QueryParam("saved"); validClock(at) {
		view.Status = i18n.T(c.Request().Context(), "Draft saved at %s.", at)
	}
	if at := c.QueryParam("overwrote"); validClock(at) {
		view.Overwrote = overwroteBanner(c.Request().Context(), at)
	}
	return render(c, http.StatusOK, pages.Compose(view))
}

// composeView fills the compose page's view model.
func (s *Server) composeView(c echo.Context, page app.ComposePage) pages.ComposeView {
	ctx := c.Request().Context()
	cm := page.Compose
	base := composeURL(cm.ID)
	view := pages.ComposeView{
		Frame:   s.frame(c, composeHeading(ctx, cm)),
		Heading: composeHeading(ctx, cm),
		SaveURL: base, SendURL: base + "/send", DiscardURL: base + "/discard", UploadURL: base + "/attachments",
		BackURL:  "/mail/INBOX",
		Revision: strconv.FormatInt(cm.Revision, 10),
		To:       cm.To, Cc: cm.Cc, Bcc: cm.Bcc, Subject: cm.Subject,
		Body: cm.BodyText, BodyHTML: cm.BodyHTML, HTML: cm.Format == app.FormatHTML,
		ReadReceipt: cm.ReadReceipt,
		UploadLimit: page.UploadLimit, Remaining: page.Remaining,
		UploadLimitText: i18n.Size(ctx, page.UploadLimit), RemainingText: i18n.Size(ctx, page.Remaining),
		EditorScripts: []string{s.Assets.Path("vendor/dompurify/purify.min.js"), s.Assets.Path("vendor/squire-rte/squire.js")},
		Lang:          i18n.Lang(ctx),
	}
	if cm.OrigMailbox != "" && cm.Kind != app.ComposeDraft {
		view.BackURL = messageURL(cm.OrigMailbox, cm.OrigUID)
	}
	for _, ident := range page.Identities {
		label := ident.Email
		if ident.Name != "" {
			label = ident.Name + " <" + ident.Email + ">"
		}
		view.Identities = append(view.Identities, pages.ComposeChoice{
			Value: strconv.FormatInt(ident.ID, 10), Label: label, Selected: ident.ID == cm.IdentityID})
	}
	priority := "normal"
	switch {
	case cm.Priority > 0 && cm.Priority < 3:
		priority = "high"
	case cm.Priority > 3:
		priority = "low"
	}
	for _, p := range []pages.ComposeChoice{
		{Value: "high", Label: i18n.T(ctx, "High")}, {Value: "normal", Label: i18n.T(ctx, "Normal")}, {Value: "low", Label: i18n.T(ctx, "Low")},
	} {
		p.Selected = p.Value == priority
		view.Priorities = append(view.Priorities, p)
	}
	for _, u := range page.Uploads {
		url := app.UploadURL(cm.ID, u.ID)
		view.Uploads = append(view.Uploads, pages.ComposeUpload{
			Name: u.Filename, Size: i18n.Size(ctx, u.Size), Bytes: u.Size, URL: url, DeleteURL: url + "/delete",
			Inline: u.Inline, TestID: "upload",
		})
	}
	return view
}

// composeHeading names what is being written.
func composeHeading(ctx context.Context, c app.Compose) string {
	switch c.Kind {
	case app.ComposeReply, app.ComposeReplyAll:
		return i18n.T(ctx, "Reply")
	case app.ComposeForward, app.ComposeForwardAttached:
		return i18n.T(ctx, "Forward")
	case app.ComposeDraft:
		return i18n.T(ctx, "Draft")
	}
	return i18n.T(ctx, "New message")
}

// validClock reports whether s is an HH:MM time, so a query parameter
// never puts anything else on the page.
func validClock(s string) bool {
	if len(s) != 5 || s[2] != ':' {
		return false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
