package handlers

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
)

// composeSaved is the JSON answer to an autosave.
type composeSaved struct {
	Revision    int64  `json:"revision"`
	SavedAt     string `json:"savedAt"`
	SavedAtTime string `json:"savedAtTime"` // RFC 3339, for the browser's own clock
	// Overwrote is set when this save went over another window's, made
	// at OtherSavedAt (HH:MM); Banner says so in words.
	Overwrote        bool   `json:"overwrote"`
	OtherSavedAt     string `json:"otherSavedAt,omitempty"`
	OtherSavedAtTime string `json:"otherSavedAtTime,omitempty"`
	Banner           string `json:"banner,omitempty"`
	DraftCopied      bool   `json:"draftCopied"`
}

// saveCompose handles POST /compose/{id}: the compose form (composeInput).
// compose.js autosaves with Accept: application/json and gets
// composeSaved; a form post (Save draft, no JavaScript) goes back to the
// page, which says it was saved. draft=1 (the button, leaving the page)
// also replaces the Drafts copy now.
func (s *Server) saveCompose(c echo.Context) error {
	id, err := composeIDParam(c)
	if err != nil {
		return err
	}
	in := composeInput(c, id)
	wantsJSON := strings.Contains(c.Request().Header.Get("Accept"), "application/json")
	in.CopyToDrafts = !wantsJSON || c.FormValue("draft") == "1"
	result, err := s.App.SaveCompose(c.Request().Context(), currentSession(c), in)
	if err != nil {
		return err
	}
	if wantsJSON {
		out := composeSaved{Revision: result.Revision, SavedAt: app.SavedAt(result.SavedAt),
			SavedAtTime: result.SavedAt.Format(time.RFC3339),
			Overwrote:   result.Overwrote, DraftCopied: result.DraftCopied}
		if result.Overwrote {
			out.OtherSavedAt = app.SavedAt(result.OtherSavedAt)
			out.OtherSavedAtTime = result.OtherSavedAt.Format(time.RFC3339)
			out.Banner = overwroteBanner(c.Request().Context(), out.OtherSavedAt)
		}
		return c.JSON(http.StatusOK, out)
	}
	q := url.Values{"saved": {app.SavedAt(result.SavedAt)}}
	if result.Overwrote {
		q.Set("overwrote", app.SavedAt(result.OtherSavedAt))
	}
	return c.Redirect(http.StatusSeeOther, composeURL(id)+"?"+q.Encode())
}
