package app

import (
	"bufio"
	"bytes"
	"io/fs"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// corpusSubjects returns the Subject and From values of the shared MIME
// corpus (shared/corpus/mime beside the repository, read at run time;
// mail/internal/mailtest, which finds it for the mail packages, is out of
// reach here): what users search for.
func corpusSubjects(f *testing.F) []string {
	f.Helper()
	dir := filepath.Join("..", "..", "shared", "corpus", "mime")
	if _, err := os.Stat(dir); err != nil {
		f.Fatalf("MIME corpus missing at %s (expected shared/corpus/mime beside the repository): %v", dir, err)
	}
	var values []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".md") || strings.HasSuffix(path, ".tsv") {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		header, _ := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw))).ReadMIMEHeader()
		values = append(values, header.Values("Subject")...)
		values = append(values, header.Values("From")...)
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
	return values
}

// FuzzParseSearch: the search and list parameters, as any query string
// gives them, never panic; what goes to the IMAP server is valid UTF-8 of
// at most maxSearchField bytes a field, sizes are whole non-negative
// kilobytes within bounds, and an accepted date range is in order.
func FuzzParseSearch(f *testing.F) {
	for _, v := range corpusSubjects(f) {
		f.Add(v, v, "2024-03-31", "", "500", "", "1")
	}
	f.Add("  invoice \x00 march ", "anna@example.test", "2024-02-30", "2024-01-01", "-1", "99999999999999999999", "x")
	f.Add(strings.Repeat("é", 150), "\xff\xfe", "0000-01-01", "9999-12-31", "1073741824", "0", "0")
	f.Fuzz(func(t *testing.T, q, from, since, until, larger, page, view string) {
		in := ListQueryInput{Page: page, View: view, Sort: q, Order: from, Filter: until,
			Search: SearchInput{Q: q, From: from, To: q, Subject: from, Body: q, Since: since, Until: until, Larger: larger, Smaller: page, Attachment: view}}
		p, err := ParseListQuery(in, ListDefaults{})
		if err == nil && (p.Page < 1 || p.Page > 1_000_000) {
			t.Fatalf("page %d accepted", p.Page)
		}
		s, err := ParseSearch(in.Search)
		for _, v := range []string{s.Query.Text, s.Query.From, s.Query.To, s.Query.Subject, s.Query.Body} {
			if !utf8.ValidString(v) || len(v) > maxSearchField {
				t.Fatalf("search field %q: not UTF-8 or longer than %d", v, maxSearchField)
			}
		}
		if err != nil {
			if AsError(err) == nil || AsError(err).Code != CodeInvalid {
				t.Fatalf("refusal %v is not CodeInvalid", err)
			}
			return
		}
		q2 := s.Query
		if q2.Larger < 0 || q2.Smaller < 0 || q2.Larger > 1<<30*1000 || q2.Smaller > 1<<30*1000 {
			t.Fatalf("sizes %d %d", q2.Larger, q2.Smaller)
		}
		if !q2.Since.IsZero() && !q2.Until.IsZero() && q2.Until.Before(q2.Since) {
			t.Fatalf("range %v..%v accepted", q2.Since, q2.Until)
		}
	})
}
