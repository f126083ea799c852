package handlers_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/plugins"
	_ "github.com/webmail/webmail/plugins/status"
)

func init() {
	plugins.Register("handlers-test-routes", func(*plugins.Config) (any, error) { return routesPlugin{}, nil })
}

// routesPlugin echoes the user on POST and panics on /panic; its banner
// tries markup, which the page must escape.
type routesPlugin struct{}

func (routesPlugin) MessageBanner(_ context.Context, m plugins.Message) ([]plugins.Banner, error) {
	return []plugins.Banner{{Text: "<b>checked</b> " + m.Subject + m.Prefs["tag"], Warning: true}}, nil
}

func (routesPlugin) UserSettings() []plugins.Field {
	return []plugins.Field{
		{Key: "tag", Label: "Banner tag", Kind: plugins.FieldText},
		{Key: "loud", Label: "Loud", Kind: plugins.FieldBool, Default: "1"},
	}
}

func (routesPlugin) Routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "posted by "+plugins.UserOf(r.Context()))
	})
	mux.HandleFunc("GET /token", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, plugins.CSRFTokenOf(r.Context()))
	})
	mux.HandleFunc("GET /panic", func(http.ResponseWriter, *http.Request) { panic("route bug") })
	return mux
}

// TestPluginRoutesOnDovecot: the status plugin's page and a test plugin's
// routes are served under /plugins/<name>/ behind the session, the CSRF
// check and the security headers; the page is for its admins only; a
// panicking route answers 500 and is counted.
func TestPluginRoutesOnDovecot(t *testing.T) {
	env := testenv.NewMail(t)
	admin, adminPassword := env.AddUser(t)
	other, otherPassword := env.AddUser(t)
	host, err := plugins.Load(plugins.Options{Names: []string{"status", "handlers-test-routes"}, Instance: "instance-under-test",
		Vars: map[string]string{"WEBMAIL_PLUGIN_STATUS_ADMINS": strings.ToUpper(admin)}})
	if err != nil {
		t.Fatal(err)
	}
	deps, _ := testDeps(t, env.IMAPAddr)
	deps.HTTP.Plugins = host.RouteHandlers()
	deps.Plugins = host
	hs := httptest.NewServer(deps.server().Routes())
	t.Cleanup(hs.Close)
	f := &fixture{http: hs}

	anonymous := f.client()
	anonymous.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, _ := get(t, anonymous, hs.URL+"/plugins/status/")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("signed out: %d to %q, want 303 to /login", resp.StatusCode, resp.Header.Get("Location"))
	}

	c := f.client()
	f.login(t, c, admin, adminPassword)
	resp, doc := get(t, c, hs.URL+"/plugins/status/")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("admin: status page %d", resp.StatusCode)
	}
	if got := doc.Find(`[data-testid="instance"]`).Text(); got != "instance-under-test" {
		t.Errorf("instance = %q", got)
	}
	if got := doc.Find(`[data-testid="enabled"] li`).Length(); got != 2 {
		t.Errorf("%d enabled plugins listed, want 2", got)
	}
	if resp.Header.Get("Content-Security-Policy") == "" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("the plugin's page lacks the security headers: %v", resp.Header)
	}

	resp, err = c.PostForm(hs.URL+"/plugins/handlers-test-routes/echo", url.Values{"x": {"1"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST without the CSRF token = %d, want 403", resp.StatusCode)
	}
	resp, err = c.Get(hs.URL + "/plugins/handlers-test-routes/token")
	if err != nil {
		t.Fatal(err)
	}
	token, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp, err = c.PostForm(hs.URL+"/plugins/handlers-test-routes/echo", url.Values{plugins.CSRFField: {string(token)}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "posted by "+admin {
		t.Errorf("POST with the token = %d %q", resp.StatusCode, body)
	}

	resp, _ = get(t, c, hs.URL+"/plugins/handlers-test-routes/panic")
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("panicking route = %d, want 500", resp.StatusCode)
	}
	if n := host.Failures()[plugins.FailureKey{Plugin: "handlers-test-routes", Hook: "routes"}]; n != 1 {
		t.Errorf("route failures = %d, want 1", n)
	}
	resp, _ = get(t, c, hs.URL+"/healthz")
	if resp.StatusCode != http.StatusOK {
		t.Errorf("after a panicking route, /healthz = %d", resp.StatusCode)
	}

	uid := env.AppendRaw(t, admin, adminPassword, "INBOX", []byte("From: a@example.test\r\nTo: "+admin+"\r\nSubject: banner test\r\n\r\nbody\r\n"))
	resp, doc = get(t, c, hs.URL+"/mail/INBOX/"+strconv.Itoa(int(uid)))
	banner := doc.Find(`[data-testid="plugin-banner"][data-plugin="handlers-test-routes"]`)
	if resp.StatusCode != http.StatusOK || banner.Text() != "<b>checked</b> banner test" || banner.Find("b").Length() != 0 {
		t.Errorf("message page %d: banner %q (must be the plugin's text, escaped)", resp.StatusCode, banner.Text())
	}

	// The plugin's user settings: a section of the settings page, saved
	// with the form, stored under plugin.<name>.<key>, given to its hooks.
	_, doc = get(t, c, hs.URL+"/settings")
	section := doc.Find(`[data-testid="plugin-settings"][data-plugin="handlers-test-routes"]`)
	if section.Find(`input[name="plugin.handlers-test-routes.tag"]`).Length() != 1 ||
		section.Find(`input[name="plugin.handlers-test-routes.loud"][checked]`).Length() != 1 {
		t.Fatalf("settings page lacks the plugin's fields (loud checked by default): %s", section.Text())
	}
	form := url.Values{}
	doc.Find(`[data-testid="settings-form"] input, [data-testid="settings-form"] select`).Each(func(_ int, sel *goquery.Selection) {
		name, _ := sel.Attr("name")
		typ, _ := sel.Attr("type")
		value, _ := sel.Attr("value")
		if goquery.NodeName(sel) == "select" {
			value, _ = sel.Find("option[selected]").Attr("value")
		}
		if _, checked := sel.Attr("checked"); (typ == "radio" || typ == "checkbox") && !checked {
			return
		}
		form.Set(name, value)
	})
	form.Set("plugin.handlers-test-routes.tag", " [tagged]")
	form.Del("plugin.handlers-test-routes.loud")
	resp, err = c.PostForm(hs.URL+"/settings", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	_, doc = get(t, c, hs.URL+"/settings")
	section = doc.Find(`[data-testid="plugin-settings"][data-plugin="handlers-test-routes"]`)
	if v, _ := section.Find(`input[name="plugin.handlers-test-routes.tag"]`).Attr("value"); v != " [tagged]" ||
		section.Find(`input[name="plugin.handlers-test-routes.loud"][checked]`).Length() != 0 {
		t.Errorf("after saving, tag = %q and loud checked %d times, want \" [tagged]\" and unchecked", v, section.Find(`input[name="plugin.handlers-test-routes.loud"][checked]`).Length())
	}
	_, doc = get(t, c, hs.URL+"/mail/INBOX/"+strconv.Itoa(int(uid)))
	if got := doc.Find(`[data-testid="plugin-banner"]`).Text(); got != "<b>checked</b> banner test [tagged]" {
		t.Errorf("banner with the user's setting = %q", got)
	}

	c2 := f.client()
	f.login(t, c2, other, otherPassword)
	resp, _ = get(t, c2, hs.URL+"/plugins/status/")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("non-admin: status page %d, want 404", resp.StatusCode)
	}
}
