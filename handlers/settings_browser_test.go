package handlers_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// setNotificationPermission answers the page's notification permission
// requests for origin with setting (granted, denied), as the user would.
func (b *listBrowser) setNotificationPermission(origin string, setting browser.PermissionSetting) {
	b.t.Helper()
	_, err := cdp.Call(b.ctx, chromedp.FromContext(b.ctx).Browser, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "notifications"}, Setting: setting, Origin: origin})
	if err != nil {
		b.t.Fatal(err)
	}
}

// TestSettingsInBrowser: the settings page in Chromium. While the user has
// no time zone it offers the browser's; picking a theme or density shows
// at once; saving each display setting changes the pages (theme and
// density on <html>, the page's colours, the chosen options); switching
// notifications on asks the browser and a refusal switches them back off;
// and with them on, new mail arriving while the tab is hidden shows one.
func TestSettingsInBrowser(t *testing.T) {
	f := newListFixture(t)
	b := newListBrowser(t)
	b.do(chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Asia/Tokyo"})
		return chromedp.Void{}, err
	}))
	b.signIn(f.http.URL)
	b.setNotificationPermission(f.http.URL, browser.PermissionSettingDenied)
	b.do(chromedp.Navigate(f.http.URL + "/settings"))
	b.until("the settings form", `document.querySelector('[data-testid="settings-form"]') !== null`)

	if zone := evalIn[string](b, `document.querySelector('select[name="time_zone"]').value`); zone != "Asia/Tokyo" {
		t.Errorf("time zone offered %q, want the browser's Asia/Tokyo", zone)
	}
	attr := func(sel, name string) string {
		return evalIn[string](b, `document.querySelector(`+strconv.Quote(sel)+`).getAttribute(`+strconv.Quote(name)+`) || ""`)
	}
	if theme := attr("html", "data-theme"); theme != "auto" {
		t.Fatalf("data-theme %q before any choice, want auto", theme)
	}
	b.click(`label[for="theme-dark"]`)
	if theme := attr("html", "data-theme"); theme != "dark" {
		t.Errorf("picking Dark shows data-theme %q before saving, want dark at once", theme)
	}

	// Notifications refused by the browser: back to off, and why.
	b.click(`label[for="notifications-on"]`)
	b.until("the refusal switching notifications off", `document.getElementById("notifications-off").checked`)
	if said := evalIn[string](b, `document.querySelector('[data-testid="notification-state"]').textContent`); !strings.Contains(said, "blocks notifications") {
		t.Errorf("after a refusal the page says %q", said)
	}
	b.setNotificationPermission(f.http.URL, browser.PermissionSettingGranted)
	b.click(`label[for="notifications-on"]`)
	for _, id := range []string{"density-compact", "reading-pane-below", "list-preview-off", "plain-font-monospace"} {
		b.click(`label[for="` + id + `"]`)
	}
	b.save()

	if theme, density := attr("html", "data-theme"), attr("html", "data-density"); theme != "dark" || density != "compact" {
		t.Errorf("after saving: data-theme %q data-density %q, want dark and compact", theme, density)
	}
	if n := attr("body", "data-notifications"); n != "on" {
		t.Errorf("after saving notifications on: body data-notifications %q", n)
	}
	checked := func(id string) bool {
		return evalIn[bool](b, `document.getElementById(`+strconv.Quote(id)+`).checked`)
	}
	for _, id := range []string{"theme-dark", "density-compact", "reading-pane-below", "list-preview-off", "plain-font-monospace", "notifications-on"} {
		if !checked(id) {
			t.Errorf("after saving, %s is not the chosen option", id)
		}
	}
	if zone := evalIn[string](b, `document.querySelector('select[name="time_zone"]').value`); zone != "Asia/Tokyo" || attr(`select[name="time_zone"]`, "data-unset") != "" {
		t.Errorf("after saving the time zone is %q (data-unset %q), want Asia/Tokyo saved", zone, attr(`select[name="time_zone"]`, "data-unset"))
	}

	// The list page in the dark theme, compact.
	b.do(chromedp.Navigate(f.http.URL + "/mail/INBOX"))
	b.until("the list", `document.querySelector('[data-testid="message-list"]') !== null`)
	if bg := evalIn[string](b, `getComputedStyle(document.body).backgroundColor`); bg != "rgb(20, 23, 27)" {
		t.Errorf("the list's background in the dark theme is %s, want rgb(20, 23, 27)", bg)
	}
	if density := attr("html", "data-density"); density != "compact" {
		t.Errorf("the list's data-density %q", density)
	}
	if pad := evalIn[string](b, `getComputedStyle(document.querySelector('[data-testid="message-row"] td')).paddingTop`); pad != "3px" {
		t.Errorf("compact list rows are padded %s, want 3px", pad)
	}

	// New mail while the tab is hidden: one notification, saying so.
	b.until("the event stream", `document.body.dataset.inboxMessages !== undefined`)
	evalIn[bool](b, `(() => {
		Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
		window.shown = [];
		const Real = window.Notification;
		window.Notification = function (title, options) { window.shown.push(title + ": " + options.body); return { close() {} }; };
		window.Notification.permission = Real.permission;
		return true;
	})()`)
	deliver(t, f, "Notify me")
	b.until("a notification", `window.shown.length > 0`)
	if got := evalIn[string](b, `window.shown.join(" | ")`); !strings.Contains(got, "New mail: Unread in your inbox:") {
		t.Errorf("notification %q", got)
	}

	// Back to the light theme: the page follows.
	b.do(chromedp.Navigate(f.http.URL + "/settings"))
	b.until("the settings form", `document.querySelector('[data-testid="settings-form"]') !== null`)
	b.click(`label[for="theme-light"]`)
	b.save()
	if bg := evalIn[string](b, `getComputedStyle(document.body).backgroundColor`); attr("html", "data-theme") != "light" || bg != "rgb(246, 247, 249)" {
		t.Errorf("after choosing Light: data-theme %q, background %s", attr("html", "data-theme"), bg)
	}
}

// save submits the settings form and waits for the page that says it was
// saved.
func (b *listBrowser) save() {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.CSS(`[data-testid="settings-save"]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="status"]`)))
}
