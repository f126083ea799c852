package load

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"
)

func newWebClient(timeout time.Duration) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, Timeout: timeout, Transport: &http.Transport{MaxIdleConnsPerHost: 4, DisableCompression: false}}
}

// signIn fills in and sends the login form, as a browser does, and
// returns the page it lands on (the first page of the INBOX).
func (w *worker) signIn(ctx context.Context) (string, error) {
	form, err := w.get(ctx, "/login")
	if err != nil {
		return "", err
	}
	token, err := csrfToken(form, "/login")
	if err != nil {
		return "", err
	}
	page, err := w.post(ctx, "/login", url.Values{"username": {w.user.Email}, "password": {w.user.Password}, "csrf": {token}})
	if err != nil {
		return "", err
	}
	if !strings.Contains(page, `action="/logout"`) {
		return "", errors.New("load: the login did not land on a signed-in page")
	}
	return page, nil
}

func (w *worker) get(ctx context.Context, path string) (string, error) {
	return w.getAs(ctx, path, "")
}

// getAs is get with the X-Webmail-Fragment header the reading pane's
// fetch sends ("pane"); "" sends none, as a navigation.
func (w *worker) getAs(ctx context.Context, path, fragment string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.cfg.BaseURL+path, nil)
	if err != nil {
		return "", err
	}
	if fragment != "" {
		req.Header.Set("X-Webmail-Fragment", fragment)
	}
	return w.do(req)
}

// post sends a form as a same-origin browser page does.
func (w *worker) post(ctx context.Context, path string, form url.Values) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.cfg.BaseURL+path, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", w.cfg.BaseURL)
	return w.do(req)
}

func (w *worker) do(req *http.Request) (string, error) {
	body, _, err := w.doAt(req)
	return body, err
}

// doAt is do that also returns the path the answer came from, after
// redirects.
func (w *worker) doAt(req *http.Request) (string, string, error) {
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := w.web.Do(req)
	if err != nil {
		return "", "", fmt.Errorf("load: %s %s: %w", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", "", fmt.Errorf("load: %s %s: reading: %w", req.Method, req.URL.Path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", "", fmt.Errorf("load: %s %s: status %d", req.Method, req.URL.Path, resp.StatusCode)
	}
	return string(body), resp.Request.URL.Path, nil
}

// csrfToken finds the csrf field of the form posting to action.
func csrfToken(page, action string) (string, error) {
	return formField(page, action, "csrf")
}

// formField finds the value of the field name in the form posting to
// action.
func formField(page, action, name string) (string, error) {
	at := strings.Index(page, `action="`+action+`"`)
	if at < 0 {
		return "", fmt.Errorf("load: no form for %s on the page", action)
	}
	rest := page[at:]
	if end := strings.Index(rest, "</form>"); end >= 0 {
		rest = rest[:end]
	}
	field := strings.Index(rest, `name="`+name+`"`)
	if field < 0 {
		return "", fmt.Errorf("load: the form for %s has no %s field", action, name)
	}
	tagStart := strings.LastIndex(rest[:field], "<")
	tagEnd := strings.Index(rest[field:], ">")
	if tagStart < 0 || tagEnd < 0 {
		return "", fmt.Errorf("load: the %s field of %s is malformed", name, action)
	}
	tag := rest[tagStart : field+tagEnd]
	_, value, ok := strings.Cut(tag, `value="`)
	if !ok {
		return "", fmt.Errorf("load: the %s field of %s has no value", name, action)
	}
	value, _, _ = strings.Cut(value, `"`)
	return html.UnescapeString(value), nil
}
