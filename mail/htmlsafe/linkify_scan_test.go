package htmlsafe

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"testing"
)

// linkPattern is what findLinks replaced, kept here as its specification.
var linkPattern = regexp.MustCompile(`(?i)\b(?:https?://|mailto:)[^\s<>"'\x60\x00-\x1f\x7f]+`)

// TestFindLinksAsTheRegexp holds findLinks to the regular expression it
// replaced, on hand-picked edges and on 50,000 random texts made of the
// pieces that matter (schemes in any case, word characters before them,
// every byte that ends a link, multi-byte and invalid UTF-8).
func TestFindLinksAsTheRegexp(t *testing.T) {
	cases := []string{
		"", "http://", "https://", "mailto:", "http:// x", "https://a", "HTTPS://A.B/c?d=e#f",
		"xhttp://a", "_http://a", "9http://a", "-http://a", "(http://a)", "éhttp://a",
		"see http://a.b, and https://c.d.", "mailto:ann@example.org>", "http://a\x7fb", "http://a\tb",
		"http://a`b'c\"d<e>f", "http://ä.example/ö", "http://\xff\xfe", "hTtP://x mAiLtO:y",
		"http://a http://b", "http://http://a", "https:/a", "mailto", "http://a\r\nhttp://b",
	}
	pieces := []string{"http://", "https://", "HTTP://", "Https://", "mailto:", "MAILTO:", "http:/", "https:", "mail",
		"a", "Z", "_", "0", ".", ",", ")", "(", " ", "\t", "\n", "\r", "\x00", "\x1f", "\x7f", "\x0b", "\x0c",
		"<", ">", "\"", "'", "`", "é", "日本", "\xff", "\xc3", "/", "?", "=", "#", "@", "h", "m", "s"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 50000 {
		var b []byte
		for range rng.IntN(12) {
			b = append(b, pieces[rng.IntN(len(pieces))]...)
		}
		cases = append(cases, string(b))
	}
	for _, text := range cases {
		var want [][2]int
		for _, m := range linkPattern.FindAllStringIndex(text, -1) {
			want = append(want, [2]int{m[0], m[1]})
		}
		if got := findLinks(text); !slices.Equal(got, want) {
			t.Fatalf("findLinks(%q) = %v, the regexp finds %v", text, got, want)
		}
	}
}

// BenchmarkLinkifyText is a 2 KB plain-text mail with two links.
func BenchmarkLinkifyText(b *testing.B) {
	text := ""
	for i := range 30 {
		text += "Hello, this is line of a plain text message with some words in it.\n"
		if i%15 == 0 {
			text += "See https://example.org/path?x=1 for details, or mailto:ann@example.org.\n"
		}
	}
	for b.Loop() {
		LinkifyText(text)
	}
}
