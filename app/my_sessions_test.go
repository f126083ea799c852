package app

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// sharedSessionStores open, for each shared backend, two stores over the
// same data: the session stores of two instances of one cluster.
func sharedSessionStores() map[string]func(t *testing.T) (session.Store, session.Store) {
	migrated := func(t *testing.T, opts store.Options) *store.DB {
		db, err := store.Open(opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		return db
	}
	return map[string]func(t *testing.T) (session.Store, session.Store){
		"redis": func(t *testing.T) (session.Store, session.Store) {
			r := testenv.NewRedis(t)
			var stores [2]session.Store
			for i := range stores {
				client := redis.NewClient(&redis.Options{Addr: r.Addr})
				t.Cleanup(func() { client.Close() })
				stores[i] = session.NewRedis(client, "test:"+t.Name()+":")
			}
			return stores[0], stores[1]
		},
		"sql-sqlite": func(t *testing.T) (session.Store, session.Store) {
			path := filepath.Join(t.TempDir(), "webmail.db")
			return session.NewSQL(migrated(t, store.Options{SQLitePath: path})), session.NewSQL(migrated(t, store.Options{SQLitePath: path}))
		},
		"sql-mariadb": func(t *testing.T) (session.Store, session.Store) {
			m := testenv.NewMariaDB(t)
			opts := store.Options{WriteDSN: m.PrimaryDSN, ReadDSNs: []string{m.ReplicaDSN}}
			return session.NewSQL(migrated(t, opts)), session.NewSQL(migrated(t, opts))
		},
	}
}

const (
	firefoxLinux  = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
	safariIPhone  = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
	chromeWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)

// TestMySessions (issue 10): a user lists their own sessions, with device
// and address, across the cluster; ending one on instance A signs it out
// on instance B; a ref of another user's session ends nothing; "sign out
// everywhere else" keeps the current session.
func TestMySessions(t *testing.T) {
	for name, open := range sharedSessionStores() {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			storeA, storeB := open(t)
			sealer, err := session.NewSealer("app-test-secret-0123456789abcdef")
			if err != nil {
				t.Fatal(err)
			}
			sessionsA := session.NewManager(storeA, sealer, time.Hour, 12*time.Hour)
			sessionsB := session.NewManager(storeB, sealer, time.Hour, 12*time.Hour)
			a := New(Deps{Sessions: sessionsA})
			start := func(m *session.Manager, user, ip, ua string) *session.Session {
				t.Helper()
				s, err := m.Start(ctx, session.Login{User: user, Password: "pw-123456", Client: session.Client{IP: ip, UserAgent: ua}})
				if err != nil {
					t.Fatal(err)
				}
				return s
			}
			laptop := start(sessionsA, "ann@example.test", "198.51.100.7", firefoxLinux)
			phone := start(sessionsB, "Ann@Example.test", "2001:db8::42", safariIPhone)
			bobs := start(sessionsB, "bob@example.test", "203.0.113.5", chromeWindows)

			list, err := a.MySessions(ctx, laptop)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 2 {
				t.Fatalf("listed %d sessions, want ann's 2: %+v", len(list), list)
			}
			if got := list[0]; !got.Current || got.Device != "Firefox on Linux" || got.LoginIP != "198.51.100.7" || got.LastIP != "198.51.100.7" {
				t.Fatalf("first listed %+v, want the current laptop session", got)
			}
			if got := list[1]; got.Current || got.Device != "Safari on iPhone" || got.LoginIP != "2001:db8::42" || got.Ref == "" || got.Ref == list[0].Ref {
				t.Fatalf("second listed %+v, want the phone, not current", got)
			}
			phoneRef := list[1].Ref

			// Bob's session, named by its ref, cannot be ended by ann.
			bobsList, err := a.MySessions(ctx, bobs)
			if err != nil || len(bobsList) != 1 {
				t.Fatalf("bob's list: %+v, %v", bobsList, err)
			}
			wantCode(t, "ending another user's session", a.EndMySession(ctx, laptop, bobsList[0].Ref), CodeNotFound, "")
			if _, err := sessionsB.Load(ctx, bobs.ID); err != nil {
				t.Fatalf("bob's session ended by ann's request: %v", err)
			}
			// Nor is the current one ended by ref: signing out does that.
			wantCode(t, "ending the current session by ref", a.EndMySession(ctx, laptop, list[0].Ref), CodeInvalid, "")

			// Ann ends the phone's session on instance A: instance B
			// signs it out at its next request.
			if err := a.EndMySession(ctx, laptop, phoneRef); err != nil {
				t.Fatal(err)
			}
			if _, err := sessionsB.Load(ctx, phone.ID); !session.IsNotFound(err) {
				t.Fatalf("ended session still loads on the other instance: %v", err)
			}
			wantCode(t, "ending it again", a.EndMySession(ctx, laptop, phoneRef), CodeNotFound, "")
			if _, err := sessionsB.Load(ctx, laptop.ID); err != nil {
				t.Fatalf("the current session was ended: %v", err)
			}

			// Everywhere else: two more of ann's sessions end; the
			// current one and bob's stay.
			tablet := start(sessionsB, "ann@example.test", "198.51.100.9", chromeWindows)
			desk := start(sessionsA, "ann@example.test", "198.51.100.10", chromeWindows)
			n, err := a.EndMyOtherSessions(ctx, laptop)
			if err != nil || n != 2 {
				t.Fatalf("EndMyOtherSessions = %d, %v; want 2", n, err)
			}
			for _, s := range []*session.Session{tablet, desk} {
				if _, err := sessionsB.Load(ctx, s.ID); !session.IsNotFound(err) {
					t.Fatalf("session from %s still loads after signing out everywhere else: %v", s.LoginIP, err)
				}
			}
			for _, s := range []*session.Session{laptop, bobs} {
				if _, err := sessionsB.Load(ctx, s.ID); err != nil {
					t.Fatalf("session of %s from %s ended: %v", s.User, s.LoginIP, err)
				}
			}
			list, err = a.MySessions(ctx, laptop)
			if err != nil || len(list) != 1 || !list[0].Current {
				t.Fatalf("after everywhere else: %+v, %v", list, err)
			}
		})
	}
}
