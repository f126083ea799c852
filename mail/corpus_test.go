package mail

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// corpusDir is the shared MIME torture corpus, kept outside the repository
// because of its licences (see its README). CI checks it out beside the
// repository, so from mail/ it is ../../shared/corpus/mime.
func corpusDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "corpus", "mime")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("MIME corpus missing at %s (expected shared/corpus/mime beside the repository): %v", dir, err)
	}
	return dir
}

// corpusFiles lists the message files of the corpus: everything but the
// README, the manifest, licence texts and raw TNEF files.
func corpusFiles(t *testing.T) []string {
	t.Helper()
	dir := corpusDir(t)
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := d.Name()
		switch {
		case name == "README.md", name == "MANIFEST.tsv",
			strings.HasSuffix(name, ".tnef"), strings.HasSuffix(name, ".txt"),
			strings.HasSuffix(name, "COPYING"):
			return nil
		}
		files = append(files, path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestCorpus parses every corpus message, extracts every part and
// sanitizes the HTML: no panic, no error, under 2 s each.
func TestCorpus(t *testing.T) {
	files := corpusFiles(t)
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
			safe, _ := SanitizeHTML(msg.HTML, SanitizeOptions{CIDURL: func(cid string) string { return "/cid/" + cid }})
			assertNoActiveContent(t, path, safe)
		}
		_ = LinkifyText(msg.Text)
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
