package session_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/session"
	"github.com/webmail/webmail/store"
)

// TestUnreadableRecordIsNoSession: a session record that cannot be decoded
// (garbage written straight into Redis or the sessions table, a key of the
// wrong Redis type, a record without a user) is a signed-out visitor: Load
// reports not found, logs it, and removes the record. It used to be an
// error that every request turned into a 503, login and logout included,
// until the record expired.
func TestUnreadableRecordIsNoSession(t *testing.T) {
	ctx := context.Background()
	sqlStore := func(t *testing.T, db *store.DB) (session.Store, func(id string, data []byte)) {
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return session.NewSQL(db), func(id string, data []byte) {
			if err := db.SaveSessionData(ctx, id, data, time.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
		}
	}
	redisStore := func(t *testing.T, write func(c *redis.Client, key string, data []byte) error) (session.Store, func(id string, data []byte)) {
		r := testenv.NewRedis(t)
		client := redis.NewClient(&redis.Options{Addr: r.Addr})
		t.Cleanup(func() { client.Close() })
		prefix := "test:" + t.Name() + ":"
		return session.NewRedis(client, prefix), func(id string, data []byte) {
			if err := write(client, prefix+"session:"+id, data); err != nil {
				t.Fatal(err)
			}
		}
	}
	setString := func(c *redis.Client, key string, data []byte) error { return c.Set(ctx, key, data, time.Hour).Err() }
	setHash := func(c *redis.Client, key string, data []byte) error { return c.HSet(ctx, key, "data", data).Err() }
	backends := map[string]func(t *testing.T) (session.Store, func(id string, data []byte)){
		"redis": func(t *testing.T) (session.Store, func(string, []byte)) { return redisStore(t, setString) },
		"redis-wrong-type": func(t *testing.T) (session.Store, func(string, []byte)) {
			return redisStore(t, setHash)
		},
		"sql-sqlite": func(t *testing.T) (session.Store, func(string, []byte)) {
			db, err := store.Open(store.Options{SQLitePath: filepath.Join(t.TempDir(), "s.db")})
			if err != nil {
				t.Fatal(err)
			}
			return sqlStore(t, db)
		},
		"sql-mariadb": func(t *testing.T) (session.Store, func(string, []byte)) {
			m := testenv.NewMariaDB(t)
			db, err := store.Open(store.Options{WriteDSN: m.PrimaryDSN, ReadDSNs: []string{m.ReplicaDSN}})
			if err != nil {
				t.Fatal(err)
			}
			return sqlStore(t, db)
		},
	}
	records := map[string][]byte{
		"garbage":   []byte("\x00\xffnot json at all"),
		"truncated": []byte(`{"user":"u@example.test","cred":"AAAA`),
		"no user":   []byte(`{"csrf":"x","created":"2026-01-01T00:00:00Z"}`),
	}
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			st, write := open(t)
			for what, data := range records {
				if name == "redis-wrong-type" && what != "garbage" {
					continue
				}
				var logs bytes.Buffer
				m := newManager(t, st)
				m.SetLogger(slog.New(slog.NewTextHandler(&logs, nil)))
				id := session.NewID()
				write(id, data)
				_, err := m.Load(ctx, id)
				if !session.IsNotFound(err) {
					t.Fatalf("%s record: Load = %v, want not found (a signed-out visitor)", what, err)
				}
				if !strings.Contains(logs.String(), "unreadable session record") {
					t.Errorf("%s record: not logged: %q", what, logs.String())
				}
				if _, err := st.Get(ctx, id); !errors.Is(err, session.ErrNotFound) {
					t.Errorf("%s record: still stored after Load: %v", what, err)
				}
				// The visitor signs in again as usual.
				s, err := m.Create(ctx, "u@example.test", "pw")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := m.Load(ctx, s.ID); err != nil {
					t.Fatalf("%s record: a new session after it: %v", what, err)
				}
			}
		})
	}
}

// TestLoginTokens: only tokens this cluster signed pass, under the current
// or a previous secret, and only for a day.
func TestLoginTokens(t *testing.T) {
	sealer, _ := session.NewSealer(secret)
	m := session.NewManager(session.NewMemory(), sealer, time.Hour, 12*time.Hour)
	now := time.Now()
	m.SetClock(func() time.Time { return now })
	token := m.NewLoginToken()
	if !m.ValidLoginToken(token) {
		t.Fatalf("fresh token %q refused", token)
	}
	if other := m.NewLoginToken(); other == token {
		t.Fatal("two tokens alike")
	}
	for name, forged := range map[string]string{
		"empty":             "",
		"a session-like ID": session.NewID(),
		"flipped bit":       flipMiddle(token),
		"truncated":         token[:len(token)-2],
		"not base64":        strings.Repeat("!", len(token)),
		"another cluster's": otherCluster(t).NewLoginToken(),
	} {
		if m.ValidLoginToken(forged) {
			t.Errorf("%s token %q accepted", name, forged)
		}
	}
	rotated, _ := session.NewSealer("a-brand-new-secret-of-enough-length-123", secret)
	m2 := session.NewManager(session.NewMemory(), rotated, time.Hour, 12*time.Hour)
	m2.SetClock(func() time.Time { return now })
	if !m2.ValidLoginToken(token) {
		t.Error("token refused after a key rotation")
	}
	now = now.Add(25 * time.Hour)
	if m.ValidLoginToken(token) {
		t.Error("day-old token accepted")
	}
}

// flipMiddle changes a character in the middle of token, where every bit
// counts (the last base64 character also carries padding bits).
func flipMiddle(token string) string {
	b := []byte(token)
	i := len(b) / 2
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

func otherCluster(t *testing.T) *session.Manager {
	t.Helper()
	sealer, err := session.NewSealer("another-cluster-secret-0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	return session.NewManager(session.NewMemory(), sealer, time.Hour, 12*time.Hour)
}
