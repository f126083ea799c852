package app

import (
	"context"
	"html"
	"net/url"
	"strings"

	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// NewComposeInput is what a new message starts with: the query of GET
// /compose, as from a link. Mailto, when set, is a whole mailto: URL (the
// browser's protocol handler) and its fields come first.
type NewComposeInput struct {
	To, Cc, Bcc   string
	Subject, Body string
	Mailto        string
}

// NewCompose starts a new message for the session's user and returns its
// compose ID. The body gets the default identity's signature.
func (a *App) NewCompose(ctx context.Context, sess *session.Session, in NewComposeInput) (string, error) {
	if in.Mailto != "" {
		in = mergeMailto(in, parseMailto(in.Mailto))
	}
	owner, err := a.ownerOf(ctx, sess)
	if err != nil {
		return "", err
	}
	ident := owner.identity(0)
	// A new message starts as rich text: the editor shows it so when it
	// runs, and a browser without it edits and saves the text body.
	c, err := a.createCompose(ctx, owner, store.Compose{
		IdentityID: ident.ID,
		To:         oneLine(in.To), Cc: oneLine(in.Cc), Bcc: oneLine(in.Bcc),
		Subject:  oneLine(in.Subject),
		BodyText: withSignature(in.Body, ident),
		BodyHTML: textToHTML(in.Body) + htmlSignature(ident),
		Format:   store.FormatHTML,
		Kind:     store.ComposeNew,
	})
	if err != nil {
		return "", err
	}
	return c.ID, nil
}

// parseMailto reads an RFC 6068 mailto: URL. Anything that is not one
// gives an empty input: a link can only prefill a form the user still
// reviews, so being lenient costs nothing.
func parseMailto(raw string) NewComposeInput {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || !strings.EqualFold(u.Scheme, "mailto") {
		return NewComposeInput{}
	}
	to := u.Opaque
	if to == "" {
		to = u.Path
	}
	if unescaped, err := url.PathUnescape(to); err == nil {
		to = unescaped
	}
	var out NewComposeInput
	out.To = to
	for key, values := range u.Query() {
		value := strings.Join(values, ", ")
		switch strings.ToLower(key) {
		case "to":
			out.To = joinAddresses(out.To, value)
		case "cc":
			out.Cc = joinAddresses(out.Cc, value)
		case "bcc":
			out.Bcc = joinAddresses(out.Bcc, value)
		case "subject":
			out.Subject = values[0]
		case "body":
			out.Body = values[0]
		}
	}
	return out
}

// mergeMailto fills in's empty fields from the mailto: URL's.
func mergeMailto(in, m NewComposeInput) NewComposeInput {
	in.To = joinAddresses(in.To, m.To)
	in.Cc = joinAddresses(in.Cc, m.Cc)
	in.Bcc = joinAddresses(in.Bcc, m.Bcc)
	if in.Subject == "" {
		in.Subject = m.Subject
	}
	if in.Body == "" {
		in.Body = m.Body
	}
	return in
}

// joinAddresses joins two address lists as typed.
func joinAddresses(a, b string) string {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + ", " + b
}

// oneLine makes a field that belongs on one line one line: a link's
// line breaks become spaces (the builder would refuse them at send).
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)), " ")
}

// textToHTML is text as rich-text lines, escaped.
func textToHTML(text string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if line == "" {
			b.WriteString("<div><br></div>")
			continue
		}
		b.WriteString("<div>" + html.EscapeString(line) + "</div>")
	}
	return b.String()
}

// withSignature appends the identity's text signature below body, after
// the "-- " line mail programs recognise.
func withSignature(body string, ident store.Identity) string {
	sig := strings.TrimSpace(ident.SignatureText)
	if sig == "" {
		return body
	}
	if body != "" && !strings.HasSuffix(body, "\n") {
		body += "\n"
	}
	return body + "\n-- \n" + sig + "\n"
}
