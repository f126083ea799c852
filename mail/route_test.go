package mail

import (
	"errors"
	"testing"
)

func TestRouterResolve(t *testing.T) {
	r, err := NewRouter("imaps://imap.%d:993", "smtp+starttls://smtp.%d")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.SetDomains([]DomainRoute{
		{Domain: "Big.Example", IMAP: "imaps://mx1.big.example:993", SMTP: "smtps://out.big.example"},
		{Domain: "half.example", IMAP: "imap+starttls://mx.half.example"},
		{Domain: "broken.example", IMAP: "http://nope"},
	}); err == nil {
		t.Fatal("a row with a bad URL was accepted silently")
	}
	tests := []struct {
		login, imap, smtp string
	}{
		{"anna@other.test", "imaps://imap.other.test:993", "smtp+starttls://smtp.other.test:587"},
		{"Ben@BIG.example", "imaps://mx1.big.example:993", "smtps://out.big.example:465"},
		{"cleo@half.example", "imap+starttls://mx.half.example:143", "smtp+starttls://smtp.half.example:587"},
		{"dan@broken.example", "imaps://imap.broken.example:993", "smtp+starttls://smtp.broken.example:587"},
	}
	for _, tt := range tests {
		got, err := r.Resolve(tt.login)
		if err != nil {
			t.Errorf("%s: %v", tt.login, err)
			continue
		}
		if got.IMAP.String() != tt.imap || got.SMTP.String() != tt.smtp {
			t.Errorf("%s: %s %s, want %s %s", tt.login, got.IMAP, got.SMTP, tt.imap, tt.smtp)
		}
	}
	if r.Domains() != 2 {
		t.Errorf("Domains() = %d, want 2", r.Domains())
	}
	// A login cannot steer the host name anywhere else.
	for _, login := range []string{"nodomain", "x@evil.test:25", "x@evil.test/path", "x@a..b", "x@-a"} {
		if _, err := r.Resolve(login); !errors.Is(err, ErrNoRoute) {
			t.Errorf("%q: %v, want ErrNoRoute", login, err)
		}
	}
}

func TestRouterTemplates(t *testing.T) {
	r, err := NewRouter("imap://%u.users.example:143", "smtp://relay.example")
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Resolve("Zoe@anything.test")
	if err != nil || got.IMAP.Host != "zoe.users.example:143" || got.SMTP.Host != "relay.example:25" {
		t.Fatalf("Resolve = %+v, %v", got, err)
	}
	// A fixed server serves logins with or without a domain.
	fixed, _ := NewRouter("imaps://mail.example:993", "smtps://mail.example")
	if got, err := fixed.Resolve("plainuser"); err != nil || got.IMAP.Host != "mail.example:993" {
		t.Fatalf("fixed: %+v, %v", got, err)
	}
	for _, bad := range [][2]string{{"ftp://%d", "smtp://x"}, {"imap://x", "smtp://%d/path"}, {"", "smtp://x"}} {
		if _, err := NewRouter(bad[0], bad[1]); err == nil {
			t.Errorf("NewRouter(%q, %q) accepted", bad[0], bad[1])
		}
	}
	if err := r.SetTemplates("imaps://new.%d", "smtps://new.%d"); err != nil {
		t.Fatal(err)
	}
	if got, _ := r.Resolve("a@b.test"); got.IMAP.Host != "new.b.test:993" {
		t.Fatalf("after SetTemplates: %+v", got)
	}
	if err := r.SetTemplates("nonsense", "smtp://x"); err == nil {
		t.Fatal("bad template accepted")
	}
	if got, _ := r.Resolve("a@b.test"); got.IMAP.Host != "new.b.test:993" {
		t.Fatalf("a refused template replaced the good one: %+v", got)
	}
}

// TestRouterRefusesAddressLiterals: a %d template must not let a login
// like x@10.0.0.5 point the webmail at an internal address.
func TestRouterRefusesAddressLiterals(t *testing.T) {
	r, err := NewRouter("imaps://%d:993", "smtp+starttls://%d:587")
	if err != nil {
		t.Fatal(err)
	}
	for _, login := range []string{"x@10.0.0.5", "x@127.0.0.1", "x@[::1]", "x@::1"} {
		if route, err := r.Resolve(login); err == nil {
			t.Errorf("%s routed to %s", login, route.IMAP)
		}
	}
	if _, err := r.Resolve("x@mail.example.com"); err != nil {
		t.Fatalf("a host name was refused: %v", err)
	}
}
