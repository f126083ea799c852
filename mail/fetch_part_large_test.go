package mail

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"testing"

	"github.com/webmail/webmail/internal/testenv"

	"github.com/webmail/webmail/mail/mime"
)

// largePart is the size of the attachment the streaming tests download:
// more than the 50 MB whole-message limit the handlers use.
const largePart = 60 << 20

// TestDovecotStreamPartLarge downloads a 60 MB base64 attachment from
// Dovecot with StreamPart and checks the bytes by their hash, sampling the
// heap all the while: it must grow by a small fraction of the part, not
// by the part (let alone the 81 MB message). FetchRaw with the handlers'
// 50 MB limit refuses the same message.
func TestDovecotStreamPartLarge(t *testing.T) {
	env, ep, email, password := dovecotUser(t)
	raw, want := testenv.LargeAttachmentMessage(largePart, 1)
	messageSize := len(raw)
	uid := uint32(env.AppendRaw(t, email, password, "INBOX", raw))
	raw = nil
	c := dialDovecot(t, ep, email, password)
	ctx := context.Background()

	if _, err := c.FetchRaw(ctx, "INBOX", uid, 50<<20); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("FetchRaw with the 50 MB limit: %v, want ErrTooLarge", err)
	}

	heap := testenv.WatchHeap(t)
	hash := sha256.New()
	part, err := c.StreamPart(ctx, "INBOX", uid, []string{"2"}, func(p mime.Part) io.Writer {
		if p.Filename != "large.bin" || p.ContentType != "application/octet-stream" {
			t.Errorf("part %+v", p)
		}
		return hash
	})
	growth := heap.Stop()
	if err != nil {
		t.Fatal(err)
	}
	if part.Size != largePart || !bytes.Equal(hash.Sum(nil), want[:]) {
		t.Fatalf("streamed %d bytes with SHA-256 %x, want %d bytes, %x", part.Size, hash.Sum(nil), largePart, want)
	}
	t.Logf("streamed a %.1f MB attachment (%.1f MB message): peak heap growth %.2f MB", float64(largePart)/(1<<20), float64(messageSize)/(1<<20), float64(growth)/(1<<20))
	if growth > largePart/8 {
		t.Errorf("heap grew by %.1f MB while streaming a %d MB part", float64(growth)/(1<<20), largePart>>20)
	}
}
