package mime

import (
	"os"
	"testing"
	"time"

	"github.com/webmail/webmail/mail/htmlsafe"
	"github.com/webmail/webmail/mail/internal/mailtest"
)

// TestCorpus parses every corpus message, extracts every part and
// sanitizes the HTML: no panic, no error, under 2 s each.
func TestCorpus(t *testing.T) {
	files := mailtest.CorpusFiles(t)
	if len(files) < 180 {
		t.Fatalf("corpus has %d message files, want at least 180", len(files))
	}
	var slowest time.Duration
	var slowestName string
	for _, path := range files {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		msg, err := ParseMessage(raw)
		if err != nil {
			t.Errorf("%s: ParseMessage: %v", path, err)
			continue
		}
		for _, p := range msg.Parts {
			part, content, err := PartContent(raw, p.ID)
			if err != nil {
				t.Errorf("%s: PartContent(%q): %v", path, p.ID, err)
				continue
			}
			if int64(len(content)) != p.Size || part.Size != p.Size {
				t.Errorf("%s: part %q: size %d, content %d bytes, PartContent size %d", path, p.ID, p.Size, len(content), part.Size)
			}
			_ = SafeFilename(p.Filename, "attachment")
		}
		if msg.HTML != "" {
			safe, _ := htmlsafe.Sanitize(msg.HTML, htmlsafe.Options{CIDURL: func(cid string) string { return "/cid/" + cid }})
			mailtest.AssertNoActiveContent(t, path, safe)
		}
		_ = htmlsafe.LinkifyText(msg.Text)
		elapsed := time.Since(start)
		if elapsed > slowest {
			slowest, slowestName = elapsed, path
		}
		if elapsed > 2*time.Second {
			t.Errorf("%s: took %v, want under 2s", path, elapsed)
		}
	}
	t.Logf("parsed %d corpus messages; slowest %s in %v", len(files), slowestName, slowest)
}
