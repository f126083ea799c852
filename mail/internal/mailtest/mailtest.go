// Package mailtest holds what the tests of the mail packages share: the
// MIME torture corpus, and the check that sanitized HTML can run or load
// nothing. It is imported by tests only.
package mailtest

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// CorpusDir is the shared MIME torture corpus, kept outside the repository
// because of its licences (see its README). CI checks it out beside the
// repository: shared/corpus/mime next to the directory holding go.mod. A
// missing corpus fails the test.
func CorpusDir(t testing.TB) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root := wd
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(root)
		if parent == root {
			t.Fatalf("no go.mod above %s", wd)
		}
		root = parent
	}
	dir, err := filepath.Rel(wd, filepath.Join(root, "..", "shared", "corpus", "mime"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("MIME corpus missing at %s (expected shared/corpus/mime beside the repository): %v", dir, err)
	}
	return dir
}

// CorpusFiles lists the message files of the corpus: everything but the
// README, the manifest, licence texts and raw TNEF files.
func CorpusFiles(t testing.TB) []string {
	t.Helper()
	dir := CorpusDir(t)
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

// AssertNoActiveContent parses the output as a browser would and checks
// that no element or attribute can run script or load anything not
// allowed.
func AssertNoActiveContent(t testing.TB, name, safe string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(safe))
	if err != nil {
		t.Fatalf("%s: output does not parse: %v", name, err)
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "iframe", "frame", "object", "embed", "form", "input", "button", "meta", "base", "link", "svg", "math", "textarea", "select":
				t.Errorf("%s: output has <%s>", name, n.Data)
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				val := strings.ToLower(strings.TrimSpace(a.Val))
				if strings.HasPrefix(key, "on") {
					t.Errorf("%s: output has %s attribute", name, key)
				}
				for _, scheme := range []string{"javascript:", "vbscript:", "data:text"} {
					if strings.Contains(strings.ReplaceAll(val, " ", ""), scheme) {
						t.Errorf("%s: attribute %s=%q", name, key, a.Val)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
}
