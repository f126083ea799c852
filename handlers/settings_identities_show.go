package handlers

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/templates/pages"
)

// showIdentities handles GET /settings/identities: the list, and a form
// to add one, or with ?edit={id} to change that one. ?done=saved or
// deleted says what the last change did.
func (s *Server) showIdentities(c echo.Context) error {
	ids, err := s.App.Identities(c.Request().Context(), currentSession(c))
	if err != nil {
		return err
	}
	var form pages.IdentityForm
	if edit := c.QueryParam("edit"); edit != "" {
		for i, ident := range ids {
			if strconv.FormatInt(ident.ID, 10) == edit {
				form = identityForm(ident, i == 0)
			}
		}
	}
	var status string
	switch c.QueryParam("done") {
	case "saved":
		status = i18n.T(c.Request().Context(), "Identity saved.")
	case "deleted":
		status = i18n.T(c.Request().Context(), "Identity deleted.")
	}
	return render(c, http.StatusOK, pages.Identities(s.identitiesView(c, ids, form, status, "")))
}

// identitiesView fills the identities page.
func (s *Server) identitiesView(c echo.Context, ids []app.Identity, form pages.IdentityForm, status, refusal string) pages.IdentitiesView {
	view := pages.IdentitiesView{Frame: s.frame(c, "Identities"), Status: status, Error: refusal, Form: form}
	for i, ident := range ids {
		id := strconv.FormatInt(ident.ID, 10)
		view.Identities = append(view.Identities, pages.IdentityRow{
			ID: id, Email: ident.Email, Name: ident.Name, Login: i == 0,
			EditURL: "/settings/identities?edit=" + id, DeleteURL: "/settings/identities/" + id + "/delete",
		})
	}
	return view
}

// identityForm fills the form with an identity.
func identityForm(ident app.Identity, login bool) pages.IdentityForm {
	return pages.IdentityForm{
		ID: strconv.FormatInt(ident.ID, 10), Email: ident.Email, Name: ident.Name,
		ReplyTo: ident.ReplyTo, Bcc: ident.Bcc, SignatureText: ident.SignatureText,
		SignatureHTML: ident.SignatureHTML, Login: login,
	}
}
