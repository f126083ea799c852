package session_test

import (
	"errors"
	"testing"
	"time"

	"github.com/webmail/webmail/session"
)

func TestSealCredential(t *testing.T) {
	old, _ := session.NewSealer(secret)
	m := session.NewManager(session.NewMemory(), old, time.Hour, time.Hour)
	sealed := m.SealCredential("outbox", "COMPOSE1", "7", []byte("pw"))

	plain, err := m.OpenCredential("outbox", "COMPOSE1", "7", sealed)
	if err != nil || string(plain) != "pw" {
		t.Fatalf("open = %q, %v", plain, err)
	}
	for name, open := range map[string]func() ([]byte, error){
		"other id":      func() ([]byte, error) { return m.OpenCredential("outbox", "COMPOSE2", "7", sealed) },
		"other user":    func() ([]byte, error) { return m.OpenCredential("outbox", "COMPOSE1", "8", sealed) },
		"other purpose": func() ([]byte, error) { return m.OpenCredential("draft", "COMPOSE1", "7", sealed) },
	} {
		if _, err := open(); !errors.Is(err, session.ErrUndecryptable) {
			t.Errorf("%s: err = %v, want ErrUndecryptable", name, err)
		}
	}

	// A rotation keeps the credential readable through the previous
	// secret; an instance without it cannot read it.
	rotated, _ := session.NewSealer("a-brand-new-secret-of-enough-length-123", secret)
	m2 := session.NewManager(session.NewMemory(), rotated, time.Hour, time.Hour)
	if plain, err := m2.OpenCredential("outbox", "COMPOSE1", "7", sealed); err != nil || string(plain) != "pw" {
		t.Fatalf("after rotation: open = %q, %v", plain, err)
	}
	other, _ := session.NewSealer("a-brand-new-secret-of-enough-length-123")
	m3 := session.NewManager(session.NewMemory(), other, time.Hour, time.Hour)
	if _, err := m3.OpenCredential("outbox", "COMPOSE1", "7", sealed); !errors.Is(err, session.ErrUndecryptable) {
		t.Fatalf("without the old secret: err = %v", err)
	}
}
