package handlers_test

import (
	"net/http"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/webmail/webmail/internal/demo"
)

// htmlDisplay is what <html> says of the theme and density.
func htmlDisplay(doc *goquery.Document) (theme, density string) {
	html := doc.Find("html")
	return html.AttrOr("data-theme", ""), html.AttrOr("data-density", "")
}

// TestDisplaySettingsReachEveryPage: theme and density saved on the
// settings page go on <html> of the next pages, in this browser, in
// another browser signed in already (the session carries them), and in a
// later sign-in; a save without the fields keeps them; a bad value is
// refused.
func TestDisplaySettingsReachEveryPage(t *testing.T) {
	f := newListFixture(t)
	other := f.client()
	if resp, _ := f.login(t, other, demo.DefaultUser, demo.DefaultPassword); resp.StatusCode != http.StatusOK {
		t.Fatalf("second login: %d", resp.StatusCode)
	}
	_, doc := f.open(t, "/mail/INBOX")
	if theme, density := htmlDisplay(doc); theme != "auto" || density != "comfortable" {
		t.Fatalf("before any save: theme %q density %q, want auto and comfortable", theme, density)
	}

	f.saveSettings(t, "theme", "dark", "density", "compact")
	for _, path := range []string{"/mail/INBOX", "/settings", "/folders"} {
		_, doc := f.open(t, path)
		if theme, density := htmlDisplay(doc); theme != "dark" || density != "compact" {
			t.Errorf("%s after the save: theme %q density %q, want dark and compact", path, theme, density)
		}
	}
	_, doc = get(t, other, f.http.URL+"/mail/INBOX")
	if theme, density := htmlDisplay(doc); theme != "dark" || density != "compact" {
		t.Errorf("the user's other browser: theme %q density %q, want dark and compact", theme, density)
	}
	later := f.client()
	_, doc = f.login(t, later, demo.DefaultUser, demo.DefaultPassword)
	if theme, density := htmlDisplay(doc); theme != "dark" || density != "compact" {
		t.Errorf("a later sign-in: theme %q density %q, want dark and compact", theme, density)
	}

	f.saveSettings(t) // the older fields only
	_, doc = f.open(t, "/mail/INBOX")
	if theme, _ := htmlDisplay(doc); theme != "dark" {
		t.Errorf("a save without the theme field changed it to %q", theme)
	}

	// A refused older form (no display fields) shows the theme in force,
	// so saving it again keeps it.
	resp, doc := f.submit(t, "/settings", settingsForm("page_size", "7"))
	if resp.StatusCode != http.StatusBadRequest || settingsValues(t, doc)["theme"] != "dark" || settingsValues(t, doc)["density"] != "compact" {
		t.Errorf("refused older form: %d, shows %v", resp.StatusCode, settingsValues(t, doc))
	}
	resp, doc = f.submit(t, "/settings", settingsForm("theme", "purple"))
	if resp.StatusCode != http.StatusBadRequest || doc.Find(`[data-testid="settings-error"]`).Length() == 0 {
		t.Errorf("theme=purple: %d, want 400 with the reason", resp.StatusCode)
	}
	resp, _ = f.submit(t, "/settings", settingsForm("time_zone", "Mars/Olympus"))
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("an unknown time zone: %d, want 400", resp.StatusCode)
	}
	_, doc = f.open(t, "/mail/INBOX")
	if theme, _ := htmlDisplay(doc); theme != "dark" {
		t.Errorf("a refused save changed the theme to %q", theme)
	}
}
