package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/templates/pages"
)

// showSessions handles GET /settings/sessions: the user's signed-in
// browsers. ?done=ended or others says what the last change did.
func (s *Server) showSessions(c echo.Context) error {
	sessions, err := s.App.MySessions(c.Request().Context(), currentSession(c))
	if err != nil {
		return err
	}
	status := map[string]string{
		"ended":  "That device is signed out.",
		"others": "Every other device is signed out.",
	}[c.QueryParam("done")]
	view := pages.SessionsView{Frame: s.frame(c, "Signed-in devices"), Status: status}
	now := time.Now()
	for _, sess := range sessions {
		view.Sessions = append(view.Sessions, sessionRow(sess, now))
		view.Others = view.Others || !sess.Current
	}
	return render(c, http.StatusOK, pages.Sessions(view))
}

// sessionRow is one session as the page shows it.
func sessionRow(sess app.MySession, now time.Time) pages.SessionRow {
	row := pages.SessionRow{
		Device: sess.Device, LoginIP: sess.LoginIP, LastIP: sess.LastIP, Current: sess.Current,
		LastSeen: relativeTime(sess.LastSeen, now), LastSeenExact: fullDate(sess.LastSeen), LastSeenISO: sess.LastSeen.Format(time.RFC3339),
		Created: fullDate(sess.CreatedAt), CreatedISO: sess.CreatedAt.Format(time.RFC3339),
	}
	if row.Device == "" {
		row.Device = "Unknown device"
	}
	if !sess.Current {
		row.EndURL = "/settings/sessions/" + sess.Ref + "/end"
	}
	return row
}
