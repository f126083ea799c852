package demo

import (
	"bytes"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
)

// clientTimeout bounds each exchange of a test client, so a server that stops
// answering fails the test with an error rather than hanging it until the go
// test timeout (go-smtp's client waits 5 minutes per command by default). It
// is a hang guard, far above what any exchange takes even on a loaded machine.
const clientTimeout = 30 * time.Second

// testNow is the reference time of every seeded test server.
func testNow() time.Time {
	return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
}

// lockedBuffer collects log output from server goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startDemo starts a seeded server on free loopback ports, closed when the
// test ends, and returns it with its log.
func startDemo(t *testing.T) (*Server, *lockedBuffer) {
	t.Helper()
	logs := &lockedBuffer{}
	s, err := Start(t.Context(), Options{
		Seed:   true,
		Now:    testNow(),
		Logger: slog.New(slog.NewTextHandler(logs, nil)),
	})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s, logs
}

// loginIMAP connects and logs in as the default user.
func loginIMAP(t *testing.T, s *Server) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(s.IMAPAddr, nil)
	if err != nil {
		t.Fatalf("dial imap: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(DefaultUser, DefaultPassword).Wait(); err != nil {
		t.Fatalf("login: %v", err)
	}
	return c
}

func folderByName(name string) (Folder, bool) {
	for _, f := range Folders() {
		if f.Name == name {
			return f, true
		}
	}
	return Folder{}, false
}
