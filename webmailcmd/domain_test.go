package webmailcmd

import (
	"bytes"
	"strings"
	"testing"
)

// TestDomainCommand runs `webmail domain add|list|remove` on SQLite.
func TestDomainCommand(t *testing.T) {
	t.Setenv("WEBMAIL_DATA", t.TempDir())
	t.Setenv("WEBMAIL_CONFIG", "")
	var out, errOut bytes.Buffer
	do := func(args ...string) error {
		out.Reset()
		errOut.Reset()
		return run(args, &out, &errOut)
	}
	if err := do("migrate"); err != nil {
		t.Fatal(err)
	}
	if err := do("domain", "add", "Example.COM", "--imap", "imaps://mx1.example.com:993", "--smtp", "smtp+starttls://mx1.example.com:587"); err != nil {
		t.Fatalf("add: %v\n%s", err, errOut.String())
	}
	// Flags before the domain work too; no --smtp means the template.
	if err := do("domain", "add", "--imap", "imap+starttls://mx2.example.net", "example.net"); err != nil {
		t.Fatalf("add with flags first: %v\n%s", err, errOut.String())
	}
	if err := do("domain", "list"); err != nil {
		t.Fatal(err)
	}
	list := out.String()
	for _, want := range []string{"example.com", "imaps://mx1.example.com:993", "smtp+starttls://mx1.example.com:587", "example.net", "(WEBMAIL_SMTP)"} {
		if !strings.Contains(list, want) {
			t.Errorf("list lacks %q:\n%s", want, list)
		}
	}
	for _, bad := range [][]string{
		{"domain", "add", "example.org", "--imap", "http://mx"},
		{"domain", "add", "example.org"},
		{"domain", "add", "bad domain!", "--imap", "imap://mx"},
		{"domain", "add", "example.org", "--imap", "imap://mx", "--smtp", "ftp://x"},
		{"domain", "remove", "nowhere.example"},
		{"domain", "frobnicate"},
	} {
		if err := do(bad...); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if err := do("domain", "remove", "example.com"); err != nil {
		t.Fatal(err)
	}
	do("domain", "list")
	if strings.Contains(out.String(), "example.com") || !strings.Contains(out.String(), "example.net") {
		t.Fatalf("after remove:\n%s", out.String())
	}
}
