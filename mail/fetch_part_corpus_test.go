package mail

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/webmail/webmail/mail/internal/mailtest"
)

// TestDovecotStreamPartCorpus streams every part of every corpus message
// (through attached messages) from Dovecot: each is either byte for byte
// what PartContent gives on the whole message, or refused with
// ErrNotStreamable before anything is written. A part that streams
// different bytes is a failure: the message page would list one part and
// the download deliver another.
func TestDovecotStreamPartCorpus(t *testing.T) {
	files := mailtest.CorpusFiles(t)
	env, ep, email, password := dovecotUser(t)
	raws := make([][]byte, len(files))
	for i, path := range files {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		raws[i] = raw
	}
	uids := env.AppendMessages(t, email, password, "INBOX", raws)
	c := dialDovecot(t, ep, email, password)
	var streamed, attached, refused, refusedMessages int
	for i, uid := range uids {
		name, _ := filepath.Rel(mailtest.CorpusDir(t), files[i])
		res := compareStreamParts(t, c, "INBOX", uint32(uid), name)
		streamed += res.streamed
		attached += len(res.refused) - len(res.refusedOther())
		if other := res.refusedOther(); len(other) > 0 {
			refused += len(other)
			refusedMessages++
			if testing.Verbose() {
				t.Logf("%s: %d streamed, %d refused, first: %v", name, res.streamed, len(other), other[0].err)
			}
		}
	}
	t.Logf("%d corpus messages: %d parts streamed, identical to PartContent; %d attached messages left to PartContent; %d other parts refused as doubtful, in %d messages", len(files), streamed, attached, refused, refusedMessages)
	if streamed == 0 {
		t.Error("no part streamed")
	}
}
