package session_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/webmail/webmail/session"
)

func TestDescribeUserAgent(t *testing.T) {
	tests := []struct{ ua, want string }{
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on Linux"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86", "Edge on Windows"},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "Safari on macOS"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari on iPhone"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1", "Chrome on iPhone"},
		{"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Linux"},
		{"Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0", "Firefox on Android"},
		{"Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36", "Samsung Internet on Android"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0", "Opera on Windows"},
		{"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on ChromeOS"},
		{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36", "Chrome on Linux"},
		{"Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko", "Internet Explorer on Windows"},
		{"Mozilla/5.0 (X11; Linux x86_64) Gecko", "A browser on Linux"},
		{"curl/8.5.0", "curl/8.5.0"},
		{"Go-http-client/1.1", "Go-http-client/1.1"},
		{"", ""},
		{"  \x00\x1b[31mevil\r\n\x7f tool", "[31mevil"},
		{"\x1b]0;title\x07bot/1.0", "]0;titlebot/1.0"},
		{strings.Repeat("é", 100), strings.Repeat("é", 32)},
	}
	for _, tt := range tests {
		if got := session.DescribeUserAgent(tt.ua); got != tt.want {
			t.Errorf("DescribeUserAgent(%q) = %q, want %q", tt.ua, got, tt.want)
		}
	}
}

// TestSessionKeepsItsClient: a session keeps the device and address it
// signed in from; a load moves its latest address only when it refreshes
// LastSeen anyway (no write of its own), and keeps nothing that is not an
// IP address.
func TestSessionKeepsItsClient(t *testing.T) {
	ctx := context.Background()
	sealer, err := session.NewSealer(secret)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	m := session.NewManager(session.NewMemory(), sealer, time.Hour, 12*time.Hour)
	m.SetClock(func() time.Time { return now })
	s, err := m.Start(ctx, session.Login{User: "ann@example.test", Password: "pw-123456", Client: session.Client{
		IP: "::ffff:198.51.100.7", UserAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
	}})
	if err != nil {
		t.Fatal(err)
	}
	if s.Device != "Firefox on Linux" || s.LoginIP != "198.51.100.7" || s.LastIP != "198.51.100.7" {
		t.Fatalf("new session: device %q, login IP %q, last IP %q", s.Device, s.LoginIP, s.LastIP)
	}
	lastIP := func(ip string) string {
		t.Helper()
		got, err := m.LoadFrom(ctx, s.ID, ip)
		if err != nil {
			t.Fatal(err)
		}
		return got.LastIP
	}
	now = now.Add(30 * time.Second)
	if got := lastIP("203.0.113.9"); got != "198.51.100.7" {
		t.Fatalf("a load within the touch interval wrote the address: %q", got)
	}
	now = now.Add(time.Minute)
	if got := lastIP("203.0.113.9"); got != "203.0.113.9" {
		t.Fatalf("a refreshing load kept %q, want the request's address", got)
	}
	now = now.Add(2 * time.Minute)
	if got := lastIP("not an address<script>"); got != "203.0.113.9" {
		t.Fatalf("a load from a non-address replaced the last address with %q", got)
	}
	got, err := m.Load(ctx, s.ID)
	if err != nil || got.LoginIP != "198.51.100.7" || got.Device != "Firefox on Linux" {
		t.Fatalf("after the loads: %+v, %v", got, err)
	}
}
