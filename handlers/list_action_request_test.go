package handlers

import "testing"

func TestSafeListReturn(t *testing.T) {
	for in, want := range map[string]string{
		"":                                   "/fallback",
		"/mail/INBOX?page=2&sort=from":       "/mail/INBOX?page=2&sort=from",
		"/mail/Work%2FProjects?view=threads": "/mail/Work%2FProjects?view=threads",
		"/search?run=1&q=x":                  "/search?run=1&q=x",
		"/search#frag":                       "/search",
		"https://evil.example/mail/":         "/fallback",
		"//evil.example/mail/":               "/fallback",
		"/\\evil.example":                    "/fallback",
		"/logout":                            "/fallback",
		"/mail/x\r\nSet-Cookie: a=b":         "/fallback",
	} {
		if got := safeListReturn(in, "/fallback"); got != want {
			t.Errorf("safeListReturn(%q) = %q, want %q", in, got, want)
		}
	}
}
