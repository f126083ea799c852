package session_test

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

func TestMain(m *testing.M) { testenv.Main(m) }

const secret = "0123456789abcdef0123456789abcdef-test"

// stores returns every backend, each started on a real server.
func stores() map[string]func(t *testing.T) session.Store {
	return map[string]func(t *testing.T) session.Store{
		"memory": func(t *testing.T) session.Store { return session.NewMemory() },
		"sql-sqlite": func(t *testing.T) session.Store {
			db, err := store.Open(store.Options{SQLitePath: filepath.Join(t.TempDir(), "s.db")})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if _, err := db.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
			return session.NewSQL(db)
		},
		"sql-mariadb": func(t *testing.T) session.Store {
			m := testenv.NewMariaDB(t)
			db, err := store.Open(store.Options{WriteDSN: m.PrimaryDSN, ReadDSNs: []string{m.ReplicaDSN}})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if _, err := db.Migrate(context.Background()); err != nil {
				t.Fatal(err)
			}
			return session.NewSQL(db)
		},
		"redis": func(t *testing.T) session.Store {
			r := testenv.NewRedis(t)
			client := redis.NewClient(&redis.Options{Addr: r.Addr})
			t.Cleanup(func() { client.Close() })
			return session.NewRedis(client, "test:"+t.Name()+":")
		},
	}
}

func TestStores(t *testing.T) {
	for name, open := range stores() {
		t.Run(name, func(t *testing.T) {
			st := open(t)
			ctx := context.Background()
			if err := st.Ping(ctx); err != nil {
				t.Fatal(err)
			}
			s := &session.Session{ID: session.NewID(), User: "u@example.test", Credentials: []byte{1, 2, 3}, CSRFToken: "tok",
				CreatedAt: time.Now().Truncate(time.Second), LastSeen: time.Now().Truncate(time.Second)}
			if err := st.Save(ctx, s, time.Minute); err != nil {
				t.Fatal(err)
			}
			got, err := st.Get(ctx, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != s.ID || got.User != s.User || !bytes.Equal(got.Credentials, s.Credentials) || got.CSRFToken != "tok" || !got.CreatedAt.Equal(s.CreatedAt) {
				t.Fatalf("Get = %+v, want %+v", got, s)
			}
			if _, err := st.Get(ctx, session.NewID()); !errors.Is(err, session.ErrNotFound) {
				t.Fatalf("unknown id: %v, want ErrNotFound", err)
			}
			if err := st.Delete(ctx, s.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Get(ctx, s.ID); !errors.Is(err, session.ErrNotFound) {
				t.Fatalf("after delete: %v, want ErrNotFound", err)
			}
			if err := st.Delete(ctx, s.ID); err != nil {
				t.Fatalf("second delete: %v", err)
			}
			// The store itself forgets a session after its TTL.
			short := &session.Session{ID: session.NewID(), User: "u@example.test"}
			if err := st.Save(ctx, short, 1500*time.Millisecond); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(5 * time.Second)
			for {
				_, err := st.Get(ctx, short.ID)
				if errors.Is(err, session.ErrNotFound) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				if time.Now().After(deadline) {
					t.Fatal("session still there 5 s after a 1.5 s TTL")
				}
				time.Sleep(100 * time.Millisecond)
			}
		})
	}
}

func TestManagerSealsPasswordAndRotatesKeys(t *testing.T) {
	ctx := context.Background()
	st := session.NewMemory()
	old, err := session.NewSealer(secret)
	if err != nil {
		t.Fatal(err)
	}
	m := session.NewManager(st, old, time.Hour, 12*time.Hour)
	s, err := m.Create(ctx, "u@example.test", "hunter2-password")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(s.Credentials, []byte("hunter2")) {
		t.Fatal("password stored in clear")
	}
	if s.ID == s.CSRFToken || len(s.ID) != 43 {
		t.Fatalf("bad id/token: %q %q", s.ID, s.CSRFToken)
	}
	loaded, err := m.Load(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if pw, err := m.Password(loaded); err != nil || pw != "hunter2-password" {
		t.Fatalf("Password = %q, %v", pw, err)
	}

	// A new secret with the old one as previous still opens it.
	rotated, _ := session.NewSealer("a-brand-new-secret-of-enough-length-123", secret)
	m2 := session.NewManager(st, rotated, time.Hour, 12*time.Hour)
	if pw, err := m2.Password(loaded); err != nil || pw != "hunter2-password" {
		t.Fatalf("after rotation: %q, %v", pw, err)
	}
	// Without the old secret it cannot.
	other, _ := session.NewSealer("a-brand-new-secret-of-enough-length-123")
	m3 := session.NewManager(st, other, time.Hour, 12*time.Hour)
	if _, err := m3.Password(loaded); !errors.Is(err, session.ErrUndecryptable) {
		t.Fatalf("wrong secret: %v, want ErrUndecryptable", err)
	}
	// Sealed credentials copied into another session do not open there.
	copied := *loaded
	copied.ID = session.NewID()
	if _, err := m.Password(&copied); !errors.Is(err, session.ErrUndecryptable) {
		t.Fatalf("copied credentials: %v, want ErrUndecryptable", err)
	}
	// Tampering is detected.
	tampered := *loaded
	tampered.Credentials = append([]byte(nil), loaded.Credentials...)
	tampered.Credentials[len(tampered.Credentials)-1] ^= 1
	if _, err := m.Password(&tampered); !errors.Is(err, session.ErrUndecryptable) {
		t.Fatalf("tampered: %v", err)
	}

	if err := m.Destroy(ctx, s.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Load(ctx, s.ID); !session.IsNotFound(err) {
		t.Fatalf("after Destroy: %v", err)
	}
}

func TestManagerExpiry(t *testing.T) {
	ctx := context.Background()
	sealer, _ := session.NewSealer(secret)
	m := session.NewManager(session.NewMemory(), sealer, 30*time.Minute, 2*time.Hour)
	now := time.Now()
	m.SetClock(func() time.Time { return now })
	s, err := m.Create(ctx, "u@example.test", "pw")
	if err != nil {
		t.Fatal(err)
	}
	// Used every 20 minutes, the session lives until the absolute limit.
	for i := 0; i < 5; i++ {
		now = now.Add(20 * time.Minute)
		if _, err := m.Load(ctx, s.ID); err != nil {
			t.Fatalf("load after %d×20m: %v", i+1, err)
		}
	}
	now = now.Add(25 * time.Minute) // 2h05m after creation
	if _, err := m.Load(ctx, s.ID); !session.IsNotFound(err) {
		t.Fatalf("past the absolute lifetime: %v", err)
	}
	// Idle too long.
	s2, _ := m.Create(ctx, "u@example.test", "pw")
	now = now.Add(31 * time.Minute)
	if _, err := m.Load(ctx, s2.ID); !session.IsNotFound(err) {
		t.Fatalf("idle past timeout: %v", err)
	}
	if _, err := m.Load(ctx, "../../etc/passwd"); !session.IsNotFound(err) {
		t.Fatalf("malformed id: %v", err)
	}
}

// TestTouchNeverRecreates: Touch replaces a live session, and one deleted
// (a logout) stays deleted, on every backend.
func TestTouchNeverRecreates(t *testing.T) {
	for name, open := range stores() {
		t.Run(name, func(t *testing.T) {
			st := open(t)
			ctx := context.Background()
			s := &session.Session{ID: session.NewID(), User: "u@example.test", CSRFToken: "one"}
			if err := st.Save(ctx, s, time.Minute); err != nil {
				t.Fatal(err)
			}
			s.CSRFToken = "two"
			for i := range 2 { // the second touch writes what is already there
				if err := st.Touch(ctx, s, time.Minute); err != nil {
					t.Fatalf("touch %d of a live session: %v", i+1, err)
				}
			}
			if got, err := st.Get(ctx, s.ID); err != nil || got.CSRFToken != "two" {
				t.Fatalf("after touch: %+v, %v; want the new data", got, err)
			}
			if err := st.Delete(ctx, s.ID); err != nil {
				t.Fatal(err)
			}
			if err := st.Touch(ctx, s, time.Minute); !errors.Is(err, session.ErrNotFound) {
				t.Fatalf("touch after delete: %v, want ErrNotFound", err)
			}
			if _, err := st.Get(ctx, s.ID); !errors.Is(err, session.ErrNotFound) {
				t.Fatalf("touch brought a deleted session back: %v", err)
			}
		})
	}
}

// loggedOutAfterGet is a store on which every session is deleted right
// after Get has read it: a logout served by another instance between a
// request's read and its refresh of the idle timeout.
type loggedOutAfterGet struct{ session.Store }

func (l loggedOutAfterGet) Get(ctx context.Context, id string) (*session.Session, error) {
	s, err := l.Store.Get(ctx, id)
	if err == nil {
		err = l.Store.Delete(ctx, id)
	}
	return s, err
}

// TestLoadDoesNotUndoLogout: a logout that lands while Load refreshes the
// session wins: Load reports no session, and none is left in the store.
func TestLoadDoesNotUndoLogout(t *testing.T) {
	for name, open := range stores() {
		t.Run(name, func(t *testing.T) {
			st := open(t)
			ctx := context.Background()
			m := newManager(t, loggedOutAfterGet{st})
			now := time.Now()
			m.SetClock(func() time.Time { return now })
			s, err := m.Create(ctx, "u@example.test", "pw")
			if err != nil {
				t.Fatal(err)
			}
			now = now.Add(2 * time.Minute) // due for a refresh
			if _, err := m.Load(ctx, s.ID); !session.IsNotFound(err) {
				t.Fatalf("Load racing a logout: %v, want not found", err)
			}
			if _, err := st.Get(ctx, s.ID); !errors.Is(err, session.ErrNotFound) {
				t.Fatalf("the refresh brought the logged-out session back: %v", err)
			}
		})
	}
}
