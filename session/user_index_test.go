package session_test

import (
	"context"
	"testing"
	"time"

	"github.com/webmail/webmail/session"
)

// TestUserSessions: every store lists a user's live sessions (case of the
// login aside) and only theirs, and EndUserSessions ends exactly those, so
// their cookies no longer load.
func TestUserSessions(t *testing.T) {
	for name, open := range stores() {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			sealer, err := session.NewSealer(secret)
			if err != nil {
				t.Fatal(err)
			}
			m := session.NewManager(open(t), sealer, time.Hour, 12*time.Hour)
			var mine []string
			for range 3 {
				s, err := m.Create(ctx, "Ann@Example.test", "pw-123456")
				if err != nil {
					t.Fatal(err)
				}
				mine = append(mine, s.ID)
			}
			other, err := m.Create(ctx, "bob@example.test", "pw-123456")
			if err != nil {
				t.Fatal(err)
			}
			// A logged-out session is not listed.
			if err := m.Destroy(ctx, mine[2]); err != nil {
				t.Fatal(err)
			}
			mine = mine[:2]
			// A refreshed one still is.
			if _, err := m.Load(ctx, mine[0]); err != nil {
				t.Fatal(err)
			}
			listed, err := m.UserSessions(ctx, "ann@example.TEST")
			if err != nil {
				t.Fatal(err)
			}
			if len(listed) != 2 || !((listed[0].ID == mine[0] && listed[1].ID == mine[1]) || (listed[0].ID == mine[1] && listed[1].ID == mine[0])) {
				t.Fatalf("listed %d sessions, want exactly %v", len(listed), mine)
			}
			n, err := m.EndUserSessions(ctx, "ann@example.test")
			if err != nil || n != 2 {
				t.Fatalf("ended %d, %v; want 2", n, err)
			}
			for _, id := range mine {
				if _, err := m.Load(ctx, id); !session.IsNotFound(err) {
					t.Fatalf("session %s still loads after EndUserSessions: %v", id[:6], err)
				}
			}
			if _, err := m.Load(ctx, other.ID); err != nil {
				t.Fatalf("another user's session was ended: %v", err)
			}
			if left, _ := m.UserSessions(ctx, "ann@example.test"); len(left) != 0 {
				t.Fatalf("%d sessions left", len(left))
			}
		})
	}
}
