package app

import (
	"testing"

	"github.com/webmail/webmail/internal/testenv"
)

// TestMain stops the servers testenv started (Dovecot for the use cases
// that talk to IMAP).
func TestMain(m *testing.M) { testenv.Main(m) }
