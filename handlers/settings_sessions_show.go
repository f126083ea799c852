package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/templates/pages"
)

// showSessions handles GET /settings/sessions: the user's signed-in
// browsers. ?done=ended or others says what the last change did.
func (s *Server) showSessions(c echo.Context) error {
	sessions, err := s.App.MySessions(c.Request().Context(), currentSession(c))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	var status string
	switch c.QueryParam("done") {
	case "ended":
		status = i18n.T(ctx, "That device is signed out.")
	case "others":
		status = i18n.T(ctx, "Every other device is signed out.")
	}
	view := pages.SessionsView{Frame: s.frame(c, "Signed-in devices"), Status: status}
	now, loc := time.Now(), app.DisplayPrefsOf(currentSession(c)).Location()
	for _, sess := range sessions {
		view.Sessions = append(view.Sessions, sessionRow(ctx, sess, now, loc))
		view.Others = view.Others || !sess.Current
	}
	return render(c, http.StatusOK, pages.Sessions(view))
}

// sessionRow is one session as the page shows it.
func sessionRow(ctx context.Context, sess app.MySession, now time.Time, loc *time.Location) pages.SessionRow {
	row := pages.SessionRow{
		Device: sess.Device, LoginIP: sess.LoginIP, LastIP: sess.LastIP, Current: sess.Current,
		LastSeen: relativeTime(ctx, sess.LastSeen, now), LastSeenExact: shownTime(ctx, sess.LastSeen, now, loc).Full, LastSeenISO: sess.LastSeen.Format(time.RFC3339),
		Created: shownTime(ctx, sess.CreatedAt, now, loc).Full, CreatedISO: sess.CreatedAt.Format(time.RFC3339),
	}
	if row.Device == "" {
		row.Device = i18n.T(ctx, "Unknown device")
	}
	if !sess.Current {
		row.EndURL = "/settings/sessions/" + sess.Ref + "/end"
	}
	return row
}
