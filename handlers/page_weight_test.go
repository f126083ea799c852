package handlers_test

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// pageWeightBudget is the most JavaScript and CSS, gzipped, a page may
// load before the compose editor (issue 11).
const pageWeightBudget = 100 * 1024

// editorScripts are the compose editor's scripts, outside the budget:
// the issue counts what a page loads before the editor.
var editorScripts = regexp.MustCompile(`^/static/vendor/(squire-rte|dompurify)/`)

// fingerprinted is an asset URL with its content hash in the name
// (static.Assets: "app.3f2a9c1b0d.css").
var fingerprinted = regexp.MustCompile(`^/static/[^?#]+\.[0-9a-f]{10}\.(css|js)$`)

// TestPageWeight fetches every page and the scripts and style sheets it
// references, as a browser that accepts gzip: together they stay under
// 100 KB compressed, and every one has a content-hashed name and is
// cached for a year, immutable. The weights go to the test log.
func TestPageWeight(t *testing.T) {
	f := newListFixture(t)
	raw := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	// assetSize is the gzipped size of one asset as served, checking its
	// name and caching on the way.
	sizes := map[string]int{}
	assetSize := func(page, ref string) int {
		t.Helper()
		if n, ok := sizes[ref]; ok {
			return n
		}
		if !fingerprinted.MatchString(ref) {
			t.Errorf("%s: %s has no content hash in its name", page, ref)
		}
		req, err := http.NewRequest(http.MethodGet, f.http.URL+ref, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := raw.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %s: status %d", page, ref, resp.StatusCode)
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("%s: Cache-Control %q, want a year, immutable", ref, cc)
		}
		if len(body) >= 1024 && resp.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s (%d bytes) served uncompressed to a browser that accepts gzip", ref, len(body))
		}
		sizes[ref] = len(body)
		return len(body)
	}
	weigh := func(name string, doc *goquery.Document) {
		t.Helper()
		var before, editor int
		files := 0
		doc.Find(`link[rel~="stylesheet"][href], script[src]`).Each(func(_ int, s *goquery.Selection) {
			ref, ok := s.Attr("href")
			if !ok {
				ref, _ = s.Attr("src")
			}
			n := assetSize(name, ref)
			if editorScripts.MatchString(ref) {
				editor += n
				return
			}
			before += n
			files++
		})
		if files == 0 {
			t.Errorf("%s: no scripts or style sheets found: is this the page?", name)
		}
		t.Logf("%s: %.1f KB of JS and CSS gzipped, %d files", name, kb(before), files)
		if editor > 0 {
			t.Logf("%s: + %.1f KB for the editor, loaded after", name, kb(editor))
		}
		if before >= pageWeightBudget {
			t.Errorf("%s loads %.1f KB of JS and CSS before the editor, gzipped; the budget is %.0f KB", name, kb(before), kb(pageWeightBudget))
		}
	}

	_, login := get(t, f.client(), f.http.URL+"/login")
	weigh("login", login)
	for _, p := range a11yPages(t, f) {
		if p.click != "" {
			continue // a state of a page weighed already
		}
		_, doc := f.open(t, p.path)
		weigh(p.name, doc)
	}
	var each []string
	for _, ref := range slices.Sorted(maps.Keys(sizes)) {
		each = append(each, fmt.Sprintf("%s %.1f", ref[strings.LastIndex(ref, "/")+1:], kb(sizes[ref])))
	}
	t.Logf("each file, KB gzipped: %s", strings.Join(each, ", "))
}

// kb is bytes in KB (1,024).
func kb(n int) float64 { return float64(n) / 1024 }
