package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/templates/pages"
)

// showMessageSource shows the raw message as escaped text at
// /mail/{mailbox}/{uid}/source ("view source"); the .eml download has
// the exact bytes.
func (s *Server) showMessageSource(c echo.Context) error {
	mailbox, uid, err := messageParams(c)
	if err != nil {
		return err
	}
	src, err := s.App.ShowMessageSource(c.Request().Context(), currentSession(c), mailbox, uid)
	if err != nil {
		return err
	}
	subject := subjectOrPlaceholder(src.Subject)
	base := messageURL(mailbox, uid)
	return render(c, http.StatusOK, pages.MessageSource(pages.MessageSourceView{
		Frame:     s.frame(c, i18n.T(c.Request().Context(), "Source of “%s”", subject)),
		Subject:   subject,
		BackURL:   base,
		RawURL:    base + "/raw",
		Source:    src.Source,
		Truncated: src.Truncated,
	}))
}
