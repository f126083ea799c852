package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// contactSuggestion is one address of the autocomplete answer.
type contactSuggestion struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// suggestContacts handles GET /contacts/suggest?q=: JSON, the user's
// collected recipients whose address or name starts with q, most used
// first.
func (s *Server) suggestContacts(c echo.Context) error {
	found, err := s.App.SuggestContacts(c.Request().Context(), currentSession(c), c.QueryParam("q"))
	if err != nil {
		return err
	}
	out := make([]contactSuggestion, 0, len(found))
	for _, f := range found {
		out = append(out, contactSuggestion{Name: f.Name, Email: f.Email})
	}
	return c.JSON(http.StatusOK, out)
}
