package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/templates/pages"
)

// saveIdentity handles POST /settings/identities: id ("" to add one),
// email, name, reply_to, bcc, signature_text, signature_html, csrf. A
// refused identity shows the form again, as typed, with why (400).
func (s *Server) saveIdentity(c echo.Context) error {
	in := app.IdentityInput{
		Email: c.FormValue("email"), Name: c.FormValue("name"),
		ReplyTo: c.FormValue("reply_to"), Bcc: c.FormValue("bcc"),
		SignatureText: normalizeNewlines(c.FormValue("signature_text")),
		SignatureHTML: c.FormValue("signature_html"),
	}
	in.ID, _ = strconv.ParseInt(c.FormValue("id"), 10, 64)
	ctx := c.Request().Context()
	err := s.App.SaveIdentity(ctx, currentSession(c), in)
	if e := app.AsError(err); e != nil && e.Code == app.CodeInvalid {
		ids, listErr := s.App.Identities(ctx, currentSession(c))
		if listErr != nil {
			return listErr
		}
		_, message := appErrorText(c, e)
		form := pages.IdentityForm{ID: c.FormValue("id"), Email: in.Email, Name: in.Name, ReplyTo: in.ReplyTo,
			Bcc: in.Bcc, SignatureText: in.SignatureText, SignatureHTML: in.SignatureHTML}
		form.Login = len(ids) > 0 && form.ID == strconv.FormatInt(ids[0].ID, 10)
		return render(c, http.StatusBadRequest, pages.Identities(s.identitiesView(c, ids, form, "", message)))
	}
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/settings/identities?done=saved")
}
