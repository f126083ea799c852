package attachments_test

import (
	"testing"

	"github.com/webmail/webmail/internal/testenv"
)

// TestMain stops the servers internal/testenv started (MinIO, MariaDB).
func TestMain(m *testing.M) {
	testenv.Main(m)
}
