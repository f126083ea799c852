package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/webmail/webmail/internal/demo"
)

// languageTransport sends an Accept-Language header, as a browser set to
// that language does.
type languageTransport struct{ accept string }

func (l languageTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set("Accept-Language", l.accept)
	return http.DefaultTransport.RoundTrip(req)
}

func htmlLangDir(doc *goquery.Document) (string, string) {
	lang, _ := doc.Find("html").Attr("lang")
	dir, _ := doc.Find("html").Attr("dir")
	return lang, dir
}

// TestPagesFollowAcceptLanguage: without a setting, the browser's language
// chooses the page's, <html lang dir> say which, and error texts (made in
// English by the application) reach the user translated.
func TestPagesFollowAcceptLanguage(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		accept, lang, dir, heading string
	}{
		{"de-DE,de;q=0.9,en;q=0.5", "de", "ltr", "Bei Webmail anmelden"},
		{"ar-EG,ar;q=0.9", "ar", "rtl", "تسجيل الدخول إلى البريد"},
		{"fr-FR,fr;q=0.9", "en", "ltr", "Sign in to Webmail"},
		{"", "en", "ltr", "Sign in to Webmail"},
	}
	for _, tt := range tests {
		c := f.client()
		c.Transport = languageTransport{tt.accept}
		resp, doc := get(t, c, f.http.URL+"/login")
		lang, dir := htmlLangDir(doc)
		if heading := strings.TrimSpace(doc.Find("h1").Text()); resp.StatusCode != http.StatusOK || lang != tt.lang || dir != tt.dir || heading != tt.heading {
			t.Errorf("Accept-Language %q: %d, lang %q dir %q heading %q; want %s %s %q", tt.accept, resp.StatusCode, lang, dir, heading, tt.lang, tt.dir, tt.heading)
		}
		if vary := resp.Header.Values("Vary"); !strings.Contains(strings.Join(vary, ","), "Accept-Language") {
			t.Errorf("Accept-Language %q: Vary %v lacks Accept-Language", tt.accept, vary)
		}
	}

	german := f.client()
	german.Transport = languageTransport{"de"}
	_, doc := f.login(t, german, "nobody@example.org", "wrong")
	if msg := strings.TrimSpace(doc.Find(`[data-testid="login-error"]`).Text()); msg != "Falsche E-Mail-Adresse oder falsches Passwort." {
		t.Errorf("refused sign-in in German: %q", msg)
	}
	f.login(t, german, demo.DefaultUser, demo.DefaultPassword)
	resp, doc := get(t, german, f.http.URL+"/mail/INBOX/4000000000")
	if title, msg := doc.Find("main h1").Text(), doc.Find(`[data-testid="error-message"]`).Text(); resp.StatusCode != http.StatusNotFound ||
		title != "Nicht gefunden" || !strings.HasPrefix(msg, "Diese Nachricht oder dieser Ordner existiert nicht mehr.") {
		t.Errorf("a missing message in German: %d %q %q", resp.StatusCode, title, msg)
	}
}

// TestLanguageSettingOverridesBrowser: a language chosen in the settings
// wins over Accept-Language on every page from the next request on;
// "auto" gives the choice back to the browser.
func TestLanguageSettingOverridesBrowser(t *testing.T) {
	f := newListFixture(t)
	f.browser.Transport = languageTransport{"en-US,en;q=0.9"}
	if _, doc := f.open(t, "/mail/INBOX"); !hasLang(doc, "en") {
		t.Fatalf("before the setting: lang %q", attr(doc.Find("html"), "lang"))
	}
	for _, step := range []struct{ setting, want string }{{"de", "de"}, {"ar", "ar"}, {"auto", "en"}} {
		f.saveSettings(t, "language", step.setting)
		for _, page := range []string{"/mail/INBOX", "/folders", "/compose"} {
			if _, doc := f.open(t, page); !hasLang(doc, step.want) {
				t.Errorf("language %s: %s has lang %q, want %s", step.setting, page, attr(doc.Find("html"), "lang"), step.want)
			}
		}
	}
	f.saveSettings(t, "language", "de")
	if _, doc := f.open(t, "/folders"); !strings.Contains(doc.Find("main h1").Text(), "Ordner") {
		t.Errorf("folders page in German: heading %q", doc.Find("main h1").Text())
	}
}

func hasLang(doc *goquery.Document, lang string) bool { return attr(doc.Find("html"), "lang") == lang }

func attr(s *goquery.Selection, name string) string {
	v, _ := s.Attr(name)
	return v
}
