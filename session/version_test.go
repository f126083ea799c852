package session_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/session"
)

// TestRecordVersions: sessions written by other releases, as they sit in
// Redis during a rolling upgrade. A record of the release before versions
// (no "v") loads as version 1 with every field; a new session is written
// with RecordVersion; a record of a newer release, with a field this one
// does not know, loads, and when this release refreshes it (Touch) the
// unknown field and the newer version are written back unchanged.
func TestRecordVersions(t *testing.T) {
	ctx := context.Background()
	r := testenv.NewRedis(t)
	client := redis.NewClient(&redis.Options{Addr: r.Addr})
	t.Cleanup(func() { client.Close() })
	prefix := "test:" + t.Name() + ":"
	sealer, err := session.NewSealer(secret)
	if err != nil {
		t.Fatal(err)
	}
	m := session.NewManager(session.NewRedis(client, prefix), sealer, time.Hour, 24*time.Hour)
	now := time.Now()
	m.SetClock(func() time.Time { return now })

	created, err := m.Create(ctx, "new@example.test", "pw")
	if err != nil {
		t.Fatal(err)
	}
	if got := rawField(t, client, prefix, created.ID, "v"); got != "3" || session.RecordVersion != 3 {
		t.Errorf("a new session is written with v=%s, want %d", got, session.RecordVersion)
	}

	// The JSON the release before versions (6a1fd6f) wrote.
	oldID := session.NewID()
	seen := now.Add(-2 * time.Minute).UTC().Format(time.RFC3339Nano)
	old := `{"user":"old@example.test","cred":"AAAA","csrf":"tok","created":"` + seen + `","seen":"` + seen + `","imap":"imap://127.0.0.1:1143"}`
	if err := client.Set(ctx, prefix+"session:"+oldID, old, time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	s, err := m.Load(ctx, oldID)
	if err != nil {
		t.Fatalf("loading a record of the release before versions: %v", err)
	}
	if s.Version != 1 || s.User != "old@example.test" || s.CSRFToken != "tok" || s.IMAP != "imap://127.0.0.1:1143" {
		t.Errorf("old record read as %+v, want version 1 with its user, csrf and imap", s)
	}

	// A newer release's record: version 4 and a field unknown here.
	newerID := session.NewID()
	newer := `{"user":"next@example.test","cred":"AAAA","csrf":"tok","created":"` + seen + `","seen":"` + seen + `","v":4,"passkey":{"name":"laptop"}}`
	if err := client.Set(ctx, prefix+"session:"+newerID, newer, time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	s, err = m.Load(ctx, newerID) // seen 2 minutes ago: Load refreshes it
	if err != nil {
		t.Fatalf("loading a newer release's record: %v", err)
	}
	if s.Version != 4 || s.User != "next@example.test" {
		t.Errorf("newer record read as %+v, want version 4", s)
	}
	if got := rawField(t, client, prefix, newerID, "seen"); got == `"`+seen+`"` {
		t.Fatalf("the newer record was not refreshed (seen still %s); the test proves nothing", got)
	}
	if got := rawField(t, client, prefix, newerID, "passkey"); got != `{"name":"laptop"}` {
		t.Errorf("after a refresh the newer release's field is %s, want it kept", got)
	}
	if got := rawField(t, client, prefix, newerID, "v"); got != "4" {
		t.Errorf("after a refresh v=%s, want the newer release's 4 kept", got)
	}
}

// rawField returns one field of a stored session record as raw JSON.
func rawField(t *testing.T, client *redis.Client, prefix, id, name string) string {
	t.Helper()
	data, err := client.Get(context.Background(), prefix+"session:"+id).Bytes()
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		t.Fatalf("record %s: %v", data, err)
	}
	return string(fields[name])
}
