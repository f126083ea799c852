package handlers_test

import (
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"testing"
	"time"

	"github.com/webmail/webmail/app/loginlimit"
	"github.com/webmail/webmail/internal/demo"
)

// TestLoginDeviceCookie (issue 10, finding 2): a login sets a device
// cookie; while an attacker's guesses from other networks get
// those networks refused, the victim's browser with the cookie signs in,
// and so does a browser without it (held a moment, not refused).
func TestLoginDeviceCookie(t *testing.T) {
	for name, counter := range counters(t) {
		t.Run(name, func(t *testing.T) {
			f := newClusterFixture(t, counter, loginlimit.Limits{PerUser: 2, PerIP: 100, SlowAfter: 1, MaxDelay: 200 * time.Millisecond, Window: 15 * time.Minute})
			f.server.SetTrustedProxies([]netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")})
			from := func(ip string) http.Header { return http.Header{"X-Forwarded-For": {ip}} }
			home := from("198.51.100.20")

			victim := (&fixture{}).client()
			resp, _ := f.login(t, victim, demo.DefaultUser, demo.DefaultPassword, home)
			if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/mail/INBOX" {
				t.Fatalf("first login: %d at %s", resp.StatusCode, resp.Request.URL)
			}
			u, _ := url.Parse(f.baseURL)
			var device *http.Cookie
			for _, ck := range victim.Jar.Cookies(u) {
				if ck.Name == "webmail_device" {
					device = ck
				}
			}
			if device == nil || device.Value == "" {
				t.Fatalf("no device cookie after a login: %v", victim.Jar.Cookies(u))
			}

			attacker := (&fixture{}).client()
			for n := 0; n < 3; n++ {
				for i, want := range []int{http.StatusUnauthorized, http.StatusUnauthorized, http.StatusTooManyRequests} {
					resp, _ := f.login(t, attacker, demo.DefaultUser, "guess", from(fmt.Sprintf("203.0.%d.%d", 113+n, 1+i)))
					if resp.StatusCode != want {
						t.Fatalf("guess %d from network %d: %d, want %d", i+1, n, resp.StatusCode, want)
					}
				}
			}
			resp, _ = f.login(t, attacker, demo.DefaultUser, demo.DefaultPassword, from("203.0.113.99"))
			if resp.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("right password from a guessing network: %d, want 429", resp.StatusCode)
			}

			resp, _ = f.login(t, victim, demo.DefaultUser, demo.DefaultPassword, home)
			if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/mail/INBOX" {
				t.Fatalf("victim with the device cookie: %d at %s", resp.StatusCode, resp.Request.URL)
			}
			resp, _ = f.login(t, (&fixture{}).client(), demo.DefaultUser, demo.DefaultPassword, home)
			if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/mail/INBOX" {
				t.Fatalf("victim in a new browser: %d at %s", resp.StatusCode, resp.Request.URL)
			}
		})
	}
}
