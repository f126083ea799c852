package handlers_test

import (
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/webmail/webmail/internal/testenv"
)

// TestMain stops the servers testenv started (Dovecot for the message
// view tests) when the package's tests end.
func TestMain(m *testing.M) { testenv.Main(m) }

// corpusMessages lists the message files of the shared MIME torture
// corpus, kept outside the repository for its licences: from handlers/ it
// is ../../shared/corpus/mime. A missing corpus fails the test.
func corpusMessages(t *testing.T) []string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "corpus", "mime")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("MIME corpus missing at %s (expected shared/corpus/mime beside the repository): %v", dir, err)
	}
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
	sort.Strings(files)
	return files
}

// corpusTiming is how long one request of the corpus run took.
type corpusTiming struct {
	file, path string
	elapsed    time.Duration
}

// TestCorpusOverHTTP APPENDs every corpus message to Dovecot and opens it
// the way a user would: the message page, its body document, every part,
// preview and attached message the page links to (and their bodies and
// parts), view source, print and the .eml download. None may answer 500
// or more. It measures, and does not assert, the time each page takes;
// the slowest are logged.
func TestCorpusOverHTTP(t *testing.T) {
	files := corpusMessages(t)
	if len(files) < 180 {
		t.Fatalf("corpus has %d message files, want at least 180", len(files))
	}
	f := newMsgFixture(t)
	raws := make([][]byte, len(files))
	for i, path := range files {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		raws[i] = raw
	}
	uids := f.appendMessages(t, "INBOX", raws...)

	var timings []corpusTiming
	var perMessage []corpusTiming
	var maxAlloc uint64
	var maxAllocFile string
	requests := 0
	for i, file := range files {
		name := strings.TrimPrefix(file, filepath.Join("..", "..", "shared", "corpus", "mime")+"/")
		base := fmt.Sprintf("/mail/INBOX/%d", uids[i])
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		seen := map[string]bool{}
		queue := []string{base, base + "/source", base + "/print", base + "/raw"}
		for len(queue) > 0 {
			path := queue[0]
			queue = queue[1:]
			if seen[path] {
				continue
			}
			seen[path] = true
			requests++
			t0 := time.Now()
			resp, body := f.fetch(t, path)
			elapsed := time.Since(t0)
			timings = append(timings, corpusTiming{name, path, elapsed})
			if resp.StatusCode >= 500 {
				t.Errorf("%s: GET %s = %d", name, path, resp.StatusCode)
				continue
			}
			if resp.StatusCode >= 400 {
				// Every URL here was linked by one of the message's own
				// pages: a refusal is a broken link.
				t.Errorf("%s: GET %s = %d (a link on the message's page)", name, path, resp.StatusCode)
				continue
			}
			if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || strings.HasSuffix(path, "/body") {
				continue
			}
			if !strings.HasSuffix(path, "/source") && !strings.HasSuffix(path, "/print") && resp.StatusCode == http.StatusOK {
				queue = append(queue, linkedParts(t, body, base)...)
			}
		}
		total := time.Since(start)
		perMessage = append(perMessage, corpusTiming{name, base, total})
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > maxAlloc {
			maxAlloc, maxAllocFile = alloc, name
		}
	}
	slowest := func(list []corpusTiming, n int) string {
		sort.Slice(list, func(i, j int) bool { return list[i].elapsed > list[j].elapsed })
		var b strings.Builder
		for _, tm := range list[:min(n, len(list))] {
			fmt.Fprintf(&b, "\n  %8.1f ms  %s  %s", float64(tm.elapsed.Microseconds())/1000, tm.file, tm.path)
		}
		return b.String()
	}
	var pages []corpusTiming
	for _, tm := range timings {
		if !strings.Contains(strings.TrimPrefix(tm.path, "/mail/INBOX/"), "/") {
			pages = append(pages, tm)
		}
	}
	t.Logf("opened %d corpus messages over HTTP: %d requests", len(files), requests)
	t.Logf("slowest message pages:%s", slowest(pages, 5))
	t.Logf("slowest requests of any kind:%s", slowest(timings, 5))
	t.Logf("slowest messages, all their requests together:%s", slowest(perMessage, 3))
	t.Logf("most memory allocated by the whole process for one message's requests: %.1f MB (%s)", float64(maxAlloc)/1e6, maxAllocFile)
}

// linkedParts finds the URLs of this message's parts, previews, attached
// messages and body documents on one of its pages.
func linkedParts(t *testing.T, page []byte, base string) []string {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(page)))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	add := func(u string) {
		if strings.HasPrefix(u, base+"/part/") || strings.HasPrefix(u, base+"/body") {
			out = append(out, u)
		}
	}
	doc.Find(`[data-testid="attachments"] a[href], [data-testid="attachments"] img[src], iframe[src]`).Each(func(_ int, s *goquery.Selection) {
		if href, ok := s.Attr("href"); ok {
			add(href)
		}
		if src, ok := s.Attr("src"); ok {
			add(src)
		}
	})
	return out
}
