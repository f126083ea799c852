package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/mail/mime"
	"github.com/webmail/webmail/templates/pages"
)

// maxSourceBytes bounds the raw message shown as text; the .eml download
// has all of it.
const maxSourceBytes = 2 << 20

// showMessageSource shows the raw message as escaped text at
// /mail/{mailbox}/{uid}/source ("view source"). Bytes that are not UTF-8
// (8-bit headers in a legacy charset, binary parts) show as U+FFFD: the
// page is for reading the structure, the download for the exact bytes.
func (s *Server) showMessageSource(c echo.Context) error {
	mailbox, uid, err := messageParams(c)
	if err != nil {
		return err
	}
	raw, err := s.fetchRaw(c, mailbox, uid)
	if err != nil {
		return err
	}
	subject := "(no subject)"
	if msg, err := mime.ParseMessage(raw); err == nil {
		subject = subjectOrPlaceholder(msg.Subject)
	}
	shown := raw
	truncated := len(shown) > maxSourceBytes
	if truncated {
		shown = shown[:maxSourceBytes]
	}
	base := messageURL(mailbox, uid)
	return render(c, http.StatusOK, pages.MessageSource(pages.MessageSourceView{
		Frame:     s.frame(c, "Source of "+subject),
		Subject:   subject,
		BackURL:   base,
		RawURL:    base + "/raw",
		Source:    strings.ToValidUTF8(string(shown), "\uFFFD"),
		Truncated: truncated,
	}))
}
