package mail

import (
	"errors"
	"strings"
	"testing"
)

func TestParseIMAPURL(t *testing.T) {
	tests := []struct {
		in       string
		scheme   string
		host     string
		security Security
	}{
		{"imap://mail.example.org", "imap", "mail.example.org:143", SecurityPlain},
		{"imap://mail.example.org:1143", "imap", "mail.example.org:1143", SecurityPlain},
		{"imap://mail.example.org/", "imap", "mail.example.org:143", SecurityPlain},
		{"imap+starttls://Mail.Example.ORG", "imap+starttls", "mail.example.org:143", SecurityStartTLS},
		{"IMAPS://mail.example.org", "imaps", "mail.example.org:993", SecurityTLS},
		{"imaps://mail.example.org:10993", "imaps", "mail.example.org:10993", SecurityTLS},
		{"imaps://[::1]", "imaps", "[::1]:993", SecurityTLS},
		{"imap://127.0.0.1:1430", "imap", "127.0.0.1:1430", SecurityPlain},
		{"  imaps://mail.example.org  ", "imaps", "mail.example.org:993", SecurityTLS},
	}
	for _, tc := range tests {
		ep, err := ParseIMAPURL(tc.in)
		if err != nil {
			t.Errorf("ParseIMAPURL(%q): %v", tc.in, err)
			continue
		}
		if ep.Scheme != tc.scheme || ep.Host != tc.host || ep.Security != tc.security {
			t.Errorf("ParseIMAPURL(%q) = %+v, want %s %s %v", tc.in, ep, tc.scheme, tc.host, tc.security)
		}
		if want := tc.scheme + "://" + tc.host; ep.String() != want {
			t.Errorf("String() = %q, want %q", ep.String(), want)
		}
		again, err := ParseIMAPURL(ep.String())
		if err != nil || again != ep {
			t.Errorf("round trip of %q: %+v, %v", ep.String(), again, err)
		}
	}
}

func TestParseSMTPURL(t *testing.T) {
	tests := []struct {
		in       string
		host     string
		security Security
	}{
		{"smtp://mx.example.org", "mx.example.org:25", SecurityPlain},
		{"smtp+starttls://mx.example.org", "mx.example.org:587", SecurityStartTLS},
		{"smtps://mx.example.org", "mx.example.org:465", SecurityTLS},
		{"smtps://mx.example.org:2465", "mx.example.org:2465", SecurityTLS},
		{"smtp://[2001:db8::1]:2525", "[2001:db8::1]:2525", SecurityPlain},
	}
	for _, tc := range tests {
		ep, err := ParseSMTPURL(tc.in)
		if err != nil || ep.Host != tc.host || ep.Security != tc.security {
			t.Errorf("ParseSMTPURL(%q) = %+v, %v; want %s %v", tc.in, ep, err, tc.host, tc.security)
		}
	}
}

func TestParseURLErrors(t *testing.T) {
	bad := []string{
		"",
		"mail.example.org",
		"mail.example.org:993",
		"http://mail.example.org",
		"smtp://mail.example.org", // an SMTP URL is no IMAP URL
		"imap://",
		"imap://:143",
		"imap://user:secret@mail.example.org",
		"imap://mail.example.org/INBOX",
		"imap://mail.example.org?x=1",
		"imap://mail.example.org#frag",
		"imap://mail.example.org:0",
		"imap://mail.example.org:65536",
		"imap://mail.example.org:imap",
		"imap://mail.example.org:",
		"imap:mail.example.org",
		"imap+ssl://mail.example.org",
		"imap://[::1",
	}
	for _, s := range bad {
		if ep, err := ParseIMAPURL(s); err == nil {
			t.Errorf("ParseIMAPURL(%q) = %+v, want error", s, ep)
		} else if !errors.Is(err, ErrBadURL) {
			t.Errorf("ParseIMAPURL(%q) error %v does not wrap ErrBadURL", s, err)
		}
	}
	for _, s := range []string{"imap://mx.example.org", "smtp://", "submission://mx.example.org"} {
		if _, err := ParseSMTPURL(s); !errors.Is(err, ErrBadURL) {
			t.Errorf("ParseSMTPURL(%q): %v, want ErrBadURL", s, err)
		}
	}
}

func TestSecurityString(t *testing.T) {
	for s, want := range map[Security]string{SecurityPlain: "plain", SecurityStartTLS: "starttls", SecurityTLS: "tls", Security(9): "Security(9)"} {
		if s.String() != want {
			t.Errorf("%d.String() = %q, want %q", int(s), s.String(), want)
		}
	}
}

// TestEndpointErrorsHidePasswords: a URL with credentials is refused
// without its password appearing in the error, which ends up in logs.
func TestEndpointErrorsHidePasswords(t *testing.T) {
	for _, raw := range []string{"imaps://admin:s3cr3t-pw@mail.example.com:993", "imaps://admin:s3cr3t-pw@mail.example.com:99999", "imaps://admin:s3cr3t-pw@%zz"} {
		_, err := ParseIMAPURL(raw)
		if err == nil {
			t.Fatalf("%s accepted", raw)
		}
		if strings.Contains(err.Error(), "s3cr3t-pw") {
			t.Fatalf("error shows the password: %v", err)
		}
	}
}
