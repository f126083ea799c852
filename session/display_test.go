package session_test

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/webmail/webmail/session"
)

// TestSetDisplay: the display settings saved in one session reach every
// live session of the same user (on every backend), survive a reload,
// and leave other users' sessions alone.
func TestSetDisplay(t *testing.T) {
	for name, open := range stores() {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			sealer, err := session.NewSealer(secret)
			if err != nil {
				t.Fatal(err)
			}
			m := session.NewManager(open(t), sealer, time.Hour, 24*time.Hour)
			laptop, err := m.Start(ctx, session.Login{User: "anna@example.test", Password: "pw", Display: map[string]string{"theme": "light"}})
			if err != nil {
				t.Fatal(err)
			}
			phone, err := m.Create(ctx, "anna@example.test", "pw")
			if err != nil {
				t.Fatal(err)
			}
			bob, err := m.Create(ctx, "bob@example.test", "pw")
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := m.Load(ctx, laptop.ID); got.Display["theme"] != "light" {
				t.Fatalf("a session started with display settings loads with %v", got.Display)
			}
			want := map[string]string{"theme": "dark", "density": "compact"}
			if err := m.SetDisplay(ctx, laptop, want); err != nil {
				t.Fatal(err)
			}
			for _, id := range []string{laptop.ID, phone.ID} {
				got, err := m.Load(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if !maps.Equal(got.Display, want) {
					t.Errorf("anna's session has %v after the save, want %v", got.Display, want)
				}
			}
			if got, _ := m.Load(ctx, bob.ID); got.Display != nil {
				t.Errorf("bob's session got %v", got.Display)
			}
		})
	}
}
