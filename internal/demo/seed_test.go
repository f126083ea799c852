package demo

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

func TestGenerateMailIsDeterministic(t *testing.T) {
	first, err := generateMail(DefaultUser, "Demo User", testNow())
	if err != nil {
		t.Fatal(err)
	}
	second, err := generateMail(DefaultUser, "Demo User", testNow())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range Folders() {
		a, b := first[f.Name], second[f.Name]
		if len(a) != len(b) {
			t.Fatalf("%s: %d then %d messages", f.Name, len(a), len(b))
		}
		for i := range a {
			if !bytes.Equal(a[i].raw, b[i].raw) || a[i].seen != b[i].seen || a[i].flagged != b[i].flagged {
				t.Fatalf("%s message %d differs between runs", f.Name, i)
			}
		}
	}
}

func TestGenerateMailMatchesFolders(t *testing.T) {
	now := testNow()
	mail, err := generateMail(DefaultUser, "Demo User", now)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range Folders() {
		msgs := mail[f.Name]
		unseen := 0
		for i, m := range msgs {
			if !m.seen {
				unseen++
			}
			if m.answered && !m.seen {
				t.Errorf("%s message %d answered but unseen", f.Name, i)
			}
			if m.date.After(now) || m.date.Before(now.Add(-90*day)) {
				t.Errorf("%s message %d dated %v, outside the 90 days before %v", f.Name, i, m.date, now)
			}
			if i > 0 && m.date.Before(msgs[i-1].date) {
				t.Errorf("%s message %d is older than the one before it", f.Name, i)
			}
		}
		if len(msgs) != f.Messages || unseen != f.Unseen {
			t.Errorf("%s: %d messages, %d unseen; Folders says %d, %d", f.Name, len(msgs), unseen, f.Messages, f.Unseen)
		}
	}

	// The newest mail is much more likely to be unread than the rest.
	inbox := mail["INBOX"]
	newestUnseen := 0
	for _, m := range inbox[len(inbox)-30:] {
		if !m.seen {
			newestUnseen++
		}
	}
	if newestUnseen < 12 {
		t.Errorf("%d of the 30 newest INBOX messages unseen, want the newest to be mostly unread", newestUnseen)
	}
}

func TestGenerateMailFollowsTheUser(t *testing.T) {
	mail, err := generateMail("ada.lovelace@example.org", "Ada Lovelace", testNow())
	if err != nil {
		t.Fatal(err)
	}
	sent := string(mail["Sent"][0].raw)
	if !strings.Contains(sent, `From: "Ada Lovelace" <ada.lovelace@example.org>`) {
		t.Errorf("Sent message is not from the user:\n%.300s", sent)
	}
	colleagues := 0
	for _, m := range mail["INBOX"] {
		if bytes.Contains(m.raw, []byte("@example.org>\r\nTo: \"Ada Lovelace\"")) {
			colleagues++
		}
	}
	if colleagues == 0 {
		t.Error("no INBOX mail from colleagues at the user's own domain")
	}
}

func TestStartRejectsBadUsers(t *testing.T) {
	tests := []struct {
		name  string
		users map[string]string
	}{
		{"not an address", map[string]string{"demo": "demo"}},
		{"empty password", map[string]string{"demo@example.test": ""}},
		{"listed twice", map[string]string{"demo@example.test": "a", "Demo@Example.test": "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Start(context.Background(), Options{Users: tt.users})
			if err == nil {
				s.Close()
				t.Fatal("Start accepted bad users")
			}
			if !strings.HasPrefix(err.Error(), "demo: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

func TestDisplayName(t *testing.T) {
	tests := map[string]string{
		"demo":         "Demo User",
		"ada.lovelace": "Ada Lovelace",
		"j_doe-smith":  "J Doe Smith",
		"...":          "Demo User",
	}
	for local, want := range tests {
		if got := displayName(local); got != want {
			t.Errorf("displayName(%q) = %q, want %q", local, got, want)
		}
	}
}

func BenchmarkGenerateMail(b *testing.B) {
	now := time.Now()
	for b.Loop() {
		if _, err := generateMail(DefaultUser, "Demo User", now); err != nil {
			b.Fatal(err)
		}
	}
}
