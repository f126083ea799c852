package mime

import (
	"encoding/base64"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPreviewTextBase64CutMidQuantum(t *testing.T) {
	encoded := base64.StdEncoding.EncodeToString([]byte("Grüße aus Berlin, wir sehen uns morgen um zehn."))
	// A cut that is not a multiple of 4 and splits the "ü".
	for _, cut := range []int{3, 5, 10, 33, len(encoded) - 1} {
		got := PreviewText([]byte(encoded[:cut]), "BASE64", "utf-8", false)
		if !utf8.ValidString(got) || strings.ContainsRune(got, '\uFFFD') {
			t.Errorf("cut %d: invalid text %q", cut, got)
		}
		if !strings.HasPrefix("Grüße aus Berlin, wir sehen uns morgen um zehn.", got) {
			t.Errorf("cut %d: %q is not a prefix of the text", cut, got)
		}
	}
	if got := PreviewText([]byte(encoded), "base64", "utf-8", false); got != "Grüße aus Berlin, wir sehen uns morgen um zehn." {
		t.Errorf("whole: %q", got)
	}
}

func TestPreviewTextQuotedPrintableCutEscape(t *testing.T) {
	for _, in := range []string{"Caf=C3=A9 ce soir =", "Caf=C3=A9 ce soir =C", "Caf=C3=A9 ce soir =C3"} {
		got := PreviewText([]byte(in), "quoted-printable", "utf-8", false)
		if got != "Café ce soir" {
			t.Errorf("%q: got %q, want %q", in, got, "Café ce soir")
		}
	}
}

func TestPreviewTextHTML(t *testing.T) {
	in := `<html><head><style>p{color:red}</style><title>T</title></head><body><p>Hello &amp; welcome,</p><p>see the <a href="x">agenda</a>.</p><div cla`
	got := PreviewText([]byte(in), "7bit", "us-ascii", true)
	if got != "Hello & welcome, see the agenda." {
		t.Errorf("got %q", got)
	}
}

func TestPreviewTextISO88591(t *testing.T) {
	got := PreviewText([]byte("R\xe9union \xe0 9h, caf\xe9 offert."), "8bit", "ISO-8859-1", false)
	if got != "Réunion à 9h, café offert." {
		t.Errorf("got %q", got)
	}
}

func TestPreviewTextDropsQuotesSignatureAttribution(t *testing.T) {
	in := "Sounds good,\r\nsee you there.\r\n\r\nOn Mon, 7 Dec 2026 at 10:00, Ann <ann@example.com> wrote:\r\n> Lunch tomorrow?\r\n>> older\r\n-- \r\nBob\r\nCEO"
	got := PreviewText([]byte(in), "", "", false)
	if got != "Sounds good, see you there." {
		t.Errorf("got %q", got)
	}
}

func TestPreviewTextCutsAtRuneBoundary(t *testing.T) {
	got := PreviewText([]byte(strings.Repeat("é", 300)), "8bit", "utf-8", false)
	if n := utf8.RuneCountInString(got); n != PreviewRunes+1 || !strings.HasSuffix(got, "…") {
		t.Errorf("got %d runes: %q", n, got)
	}
}
