package mime

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSafeFilename(t *testing.T) {
	long := strings.Repeat("ä", 150) + ".pdf"
	tests := []struct {
		name, fallback, want string
	}{
		{"report.pdf", "x", "report.pdf"},
		{"Rapport d'activité 2024.pdf", "x", "Rapport d'activité 2024.pdf"},
		{"../../etc/passwd", "x", "passwd"},
		{`C:\Users\me\evil.exe`, "x", "evil.exe"},
		{"/tmp/whoa", "x", "whoa"},
		{`/evil/because:of\path\3d-compress.gif`, "x", "3d-compress.gif"},
		{".htaccess", "x", "htaccess"},
		{"...", "fallback.bin", "fallback.bin"},
		{"a\x00b\r\nc.txt", "x", "ab c.txt"},
		{"invoice\u202Etxt.exe", "x", "invoicetxt.exe"},
		{"zero\u200Bwidth.txt", "x", "zerowidth.txt"},
		{`a"b<c>d|e?f*g:h.txt`, "x", "a_b_c_d_e_f_g_h.txt"},
		{"  spaced   name .txt ", "x", "spaced name .txt"},
		{"trailing dots...", "x", "trailing dots"},
		{"CON.txt", "x", "_CON.txt"},
		{"nul", "x", "_nul"},
		{"console.txt", "x", "console.txt"},
		{"", "", "attachment"},
		{"", "message.eml", "message.eml"},
		{"", "../x/message.eml", "message.eml"},
		{"\xff\xfe", "", "attachment"},
	}
	for _, tc := range tests {
		if got := SafeFilename(tc.name, tc.fallback); got != tc.want {
			t.Errorf("SafeFilename(%q, %q) = %q, want %q", tc.name, tc.fallback, got, tc.want)
		}
	}
	got := SafeFilename(long, "x")
	if len(got) > maxFilenameBytes || !strings.HasSuffix(got, ".pdf") || !utf8.ValidString(got) {
		t.Errorf("long name: %q (%d bytes)", got, len(got))
	}
}
