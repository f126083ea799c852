package handlers

import (
	"context"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/i18n"
)

// composeInput reads the compose form (see pages.ComposeView) as posted
// to save or to send: to, cc, bcc, subject, body, and from the rich-text
// editor body_html with format=html; identity, priority ("high",
// "normal", "low"), read_receipt, revision. send_at is the send route's.
func composeInput(c echo.Context, id string) app.SaveComposeInput {
	in := app.SaveComposeInput{
		ID:          id,
		To:          c.FormValue("to"),
		Cc:          c.FormValue("cc"),
		Bcc:         c.FormValue("bcc"),
		Subject:     c.FormValue("subject"),
		BodyText:    normalizeNewlines(c.FormValue("body")),
		BodyHTML:    c.FormValue("body_html"),
		HTML:        c.FormValue("format") == "html",
		ReadReceipt: c.FormValue("read_receipt") != "",
	}
	in.Revision, _ = strconv.ParseInt(c.FormValue("revision"), 10, 64)
	in.IdentityID, _ = strconv.ParseInt(c.FormValue("identity"), 10, 64)
	switch c.FormValue("priority") {
	case "high":
		in.Priority = 1
	case "low":
		in.Priority = 5
	}
	return in
}

// normalizeNewlines makes a textarea's CRLF line breaks "\n", as stored.
func normalizeNewlines(s string) string {
	return strings.ReplaceAll(s, "\r\n", "\n")
}

// overwroteBanner is what the page says after a save over another
// window's.
func overwroteBanner(ctx context.Context, at string) string {
	return i18n.T(ctx, "This draft was also changed in another window at %s; your version was saved over it.", at)
}
