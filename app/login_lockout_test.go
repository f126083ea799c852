package app

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/webmail/webmail/app/loginlimit"
	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/store"
)

// testDB is a migrated SQLite database.
func testDB(t *testing.T) *store.DB {
	db, err := store.Open(store.Options{SQLitePath: filepath.Join(t.TempDir(), "webmail.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// loginCounters are both shared failure counters, SQL and Redis.
func loginCounters(t *testing.T) map[string]func(t *testing.T, db *store.DB) loginlimit.FailureCounter {
	return map[string]func(t *testing.T, db *store.DB) loginlimit.FailureCounter{
		"sql": func(t *testing.T, db *store.DB) loginlimit.FailureCounter { return db },
		"redis": func(t *testing.T, _ *store.DB) loginlimit.FailureCounter {
			r := testenv.NewRedis(t)
			client := redis.NewClient(&redis.Options{Addr: r.Addr})
			t.Cleanup(func() { client.Close() })
			return loginlimit.NewRedisFailures(client, "test:"+t.Name()+":")
		},
	}
}

// TestLoginGuessingLocksNoOneOut (issue 10, finding 2): an attacker
// hammering a victim's address from many networks gets each of its own
// networks refused, but never the victim: with the device cookie of an
// earlier login the victim signs in at once, without it after a bounded
// hold, from the victim's own network.
func TestLoginGuessingLocksNoOneOut(t *testing.T) {
	for name, counter := range loginCounters(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			d := newDovecotApp(t)
			deps := d.Deps
			deps.DB = testDB(t)
			deps.LoginFailures = counter(t, deps.DB)
			const maxDelay = 300 * time.Millisecond
			deps.LoginLimits = loginlimit.Limits{PerUser: 3, PerIP: 50, SlowAfter: 4, MaxDelay: maxDelay, Window: time.Hour}
			a := New(deps)
			email, password := d.env.AddUser(t)
			victim := func(device string) LoginInput {
				return LoginInput{Username: email, Password: password, ClientIP: "198.51.100.20", DeviceToken: device}
			}

			// The victim signs in once from home: the browser keeps a
			// device token.
			res, err := a.LogIn(ctx, victim(""))
			if err != nil || res.DeviceToken == "" {
				t.Fatalf("first login: %+v, %v", res, err)
			}
			device := res.DeviceToken

			// The attacker guesses from 12 networks, 4 attempts each and
			// in parallel: 3 failures each, then that network is refused,
			// with the right password too.
			var wg sync.WaitGroup
			var mu sync.Mutex
			codes := map[Code]int{}
			for n := 0; n < 12; n++ {
				for i := 0; i < 4; i++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						_, err := a.LogIn(ctx, LoginInput{Username: email, Password: "guess", ClientIP: fmt.Sprintf("203.0.%d.%d", 113+n, 1+i)})
						mu.Lock()
						codes[AsError(err).Code]++
						mu.Unlock()
					}()
				}
			}
			wg.Wait()
			if codes[CodeWrongCredentials] > 36 || codes[CodeWrongCredentials]+codes[CodeLimited] != 48 {
				t.Fatalf("attack outcomes %v: want at most 3 wrong passwords per network (36), the rest limited", codes)
			}
			_, err = a.LogIn(ctx, LoginInput{Username: email, Password: password, ClientIP: "203.0.113.77"})
			wantCode(t, "right password from a guessing network", err, CodeLimited, "")

			// The victim, with the device token: in, not held.
			res, err = a.LogIn(ctx, victim(device))
			if err != nil || res.Session == nil || res.Held != 0 {
				t.Fatalf("victim with the device cookie: held %v, %v", res.Held, err)
			}
			// The token is bound to the user: for another user it is no
			// device of theirs.
			if _, ok := a.Sessions.DeviceID(device, "someone.else@example.test"); ok {
				t.Fatal("a device token passed for another user")
			}

			// Guessing goes on; the victim without the cookie (a new
			// browser) is held, at most maxDelay, and gets in.
			for n := 0; n < 6; n++ {
				_, err := a.LogIn(ctx, LoginInput{Username: email, Password: "guess", ClientIP: fmt.Sprintf("192.0.%d.9", 10+n)})
				wantCode(t, "another guess", err, CodeWrongCredentials, "")
			}
			res, err = a.LogIn(ctx, victim(""))
			if err != nil || res.Session == nil {
				t.Fatalf("victim without the device cookie: %v", err)
			}
			if res.Held <= 0 || res.Held > maxDelay {
				t.Fatalf("victim without the device cookie held %v, want a hold in (0, %v]", res.Held, maxDelay)
			}
			// A forged or foreign token counts as no token.
			res, err = a.LogIn(ctx, LoginInput{Username: email, Password: "guess", ClientIP: "192.0.99.9", DeviceToken: device[:len(device)-2] + "AA"})
			wantCode(t, "a guess with a forged device token", err, CodeWrongCredentials, "")
		})
	}
}
