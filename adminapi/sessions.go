package adminapi

import (
	"net/http"

	"github.com/webmail/webmail/app"
)

// sessionJSON is one of a user's sessions.
type sessionJSON struct {
	Ref       string `json:"ref"`
	CreatedAt int64  `json:"created_at"`
	LastSeen  int64  `json:"last_seen"`
	IMAP      string `json:"imap"`
}

func (s *server) userSessions(r *http.Request, _ app.Actor) (int, any, error) {
	sessions, err := s.app.UserSessions(r.Context(), r.PathValue("email"))
	if err != nil {
		return 0, nil, err
	}
	out := []sessionJSON{}
	for _, us := range sessions {
		out = append(out, sessionJSON{Ref: us.Ref, CreatedAt: millis(us.CreatedAt), LastSeen: millis(us.LastSeen), IMAP: us.IMAP})
	}
	return http.StatusOK, map[string]any{"sessions": out}, nil
}

func (s *server) endUserSessions(r *http.Request, actor app.Actor) (int, any, error) {
	n, err := s.app.EndUserSessions(r.Context(), actor, r.PathValue("email"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]int{"ended": n}, nil
}
