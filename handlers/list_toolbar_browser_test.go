package handlers_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestListToolbarInBrowser: with nothing selected the toolbar offers only
// select all, refresh and the view menu; a selection brings its actions,
// as icon buttons with names. The star flags a row in place (no reload),
// and again removes the flag. On a 390 px phone the rows are two-line
// cards with sender, date and subject, the selection's actions a bar at
// the bottom, the touch targets 44 px; at 320 px nothing is wider than the
// screen.
func TestListToolbarInBrowser(t *testing.T) {
	f := newListFixture(t)
	direct := f.mailClient(t)
	b := newListBrowser(t)
	b.do(chromedp.EmulateViewport(1440, 900))
	b.signIn(f.http.URL)
	evalIn[bool](b, `window.noReload = true`)

	visible := `(sel) => { const e = document.querySelector(sel); return !!e && e.getClientRects().length > 0; }`
	b.until("the toolbar without a selection", `(() => { const v = `+visible+`;
		return v("#select-all") && v('[data-testid="refresh"]') && v('[data-testid="view-menu"]') && !v('[data-testid="act-archive"]') && !v('[data-testid="act-delete"]') && !v('[data-testid="act-read"]');
	})()`)
	b.click(`[data-testid="message-row"]:nth-child(2) [data-testid="select"]`)
	b.until("the selection's actions", `(() => { const v = `+visible+`;
		return ["act-archive", "act-delete", "act-junk"].every((id) => v('[data-testid="' + id + '"]')) && v(".tb-move > summary") && v(".tb-more > summary");
	})()`)
	if names := evalIn[[]string](b, `[...document.querySelectorAll('.tb-selection button, .tb-selection summary, .tb-always a')].filter((e) => e.getClientRects().length).map((e) => e.textContent.trim())`); len(names) == 0 || slicesContainsEmpty(names) {
		t.Errorf("toolbar controls without a name: %q", names)
	}
	if evalIn[int](b, `document.querySelectorAll('.list-toolbar svg.icon use').length`) < 6 {
		t.Error("the toolbar has no icons")
	}
	b.click(`[data-testid="message-row"]:nth-child(2) [data-testid="select"]`)

	// The star flags the third row only, in place.
	inbox := summaries(t, direct, "INBOX")
	target := uidString(inbox[2].UID)
	row := `tr[data-uid="` + target + `"]`
	b.click(`[data-testid="message-row"]:nth-child(1) [data-testid="select"]`)
	b.click(row + ` [data-testid="star"]`)
	b.settled("Flagged 1 message.")
	b.until("the star pressed", `document.querySelector('`+row+` [data-testid="star"]').getAttribute("aria-pressed") === "true"`)
	if s, _ := summaryByUID(t, direct, "INBOX", inbox[2].UID); !s.Flagged {
		t.Fatal("the star did not flag the message on the server")
	}
	if s, _ := summaryByUID(t, direct, "INBOX", inbox[0].UID); s.Flagged {
		t.Fatal("the star flagged the selected message too")
	}
	// From the keyboard: the focus stays on the star through the redraw.
	evalIn[bool](b, `document.querySelector('`+row+` [data-testid="star"]').focus(); true`)
	b.do(chromedp.KeyEvent("\r"))
	b.settled("Removed the flag from 1 message.")
	b.until("the star released", `document.querySelector('`+row+` [data-testid="star"]').getAttribute("aria-pressed") === "false"`)
	if !evalIn[bool](b, `document.activeElement === document.querySelector('`+row+` [data-testid="star"]')`) {
		t.Error("the list's redraw took the keyboard focus off the star")
	}
	if !evalIn[bool](b, `window.noReload === true`) {
		t.Fatal("the star reloaded the page")
	}

	// A phone.
	b.do(chromedp.EmulateViewport(390, 844), chromedp.Navigate(f.http.URL+"/mail/INBOX"))
	b.until("the list", `document.querySelector('[data-testid="message-row"]') !== null && document.querySelector('[data-testid="list-toolbar"]').dataset.selection === "none"`)
	card := evalIn[map[string]float64](b, `(() => {
		const r = document.querySelector('[data-testid="message-row"]');
		const box = (sel) => r.querySelector(sel).getBoundingClientRect();
		const from = box("td.from"), date = box("td.date"), subject = box("td.subject"), sel = box("td.sel"), star = box('[data-testid="star"]');
		return {fromTop: from.top, dateMiddle: (date.top + date.bottom) / 2, subjectTop: subject.top, fromBottom: from.bottom, dateVisible: date.width > 0 ? 1 : 0,
			selW: sel.width, selH: sel.height, starW: star.width, starH: star.height, rowRight: r.getBoundingClientRect().right};
	})()`)
	if card["dateVisible"] != 1 || card["dateMiddle"] < card["fromTop"] || card["dateMiddle"] > card["fromBottom"] || card["subjectTop"] < card["fromBottom"] {
		t.Errorf("the row is not a card of sender and date over subject: %v", card)
	}
	if card["selW"] < 44 || card["selH"] < 44 || card["starW"] < 44 || card["starH"] < 44 {
		t.Errorf("touch targets under 44 px: %v", card)
	}
	b.click(`[data-testid="message-row"]:nth-child(1) [data-testid="select"]`)
	bar := evalIn[map[string]float64](b, `(() => {
		const r = document.querySelector('[data-testid="selection-actions"]').getBoundingClientRect();
		const archive = document.querySelector('[data-testid="act-archive"]').getBoundingClientRect();
		return {bottom: r.bottom, top: r.top, height: innerHeight, width: r.width, archiveW: archive.width, archiveH: archive.height};
	})()`)
	if bar["bottom"] != bar["height"] || bar["width"] < 380 || bar["archiveW"] < 44 || bar["archiveH"] < 44 {
		t.Errorf("the selection's actions are not a bar at the bottom with 44 px buttons: %v", bar)
	}

	// Search results from every folder are cards too.
	b.do(chromedp.Navigate(f.http.URL + "/search?run=1&q=a"))
	b.until("search results as cards", `(() => {
		const r = document.querySelector('[data-testid="message-row"]');
		return r !== null && getComputedStyle(r).display === "grid" && r.querySelector("td.date").getBoundingClientRect().width > 0;
	})()`)

	b.do(chromedp.EmulateViewport(320, 700), chromedp.Navigate(f.http.URL+"/mail/INBOX"))
	b.until("the list", `document.querySelector('[data-testid="message-row"]') !== null`)
	b.click(`[data-testid="message-row"]:nth-child(1) [data-testid="select"]`)
	// Each menu open in turn: nothing reaches past the screen's edge (a
	// cell's text is cut with an ellipsis, a closed menu is not drawn).
	const wider = `[...document.querySelectorAll("main *")].filter((e) => e.getBoundingClientRect().right > innerWidth + 1 && !e.closest("td") && !e.closest(".vh") && !e.closest("details:not([open]) > :not(summary)"))`
	for _, menu := range []string{".tb-view", ".tb-move", ".tb-more"} {
		b.click(menu + ` > summary`)
		if !evalIn[bool](b, `document.querySelector("`+menu+`").open && document.documentElement.scrollWidth <= innerWidth && `+wider+`.length === 0`) {
			t.Errorf("with %s open, something is wider than a 320 px screen: %s", menu, evalIn[string](b, wider+`.slice(0, 8).map((e) => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right)).join(", ")`))
		}
		b.click(menu + ` > summary`)
	}
}

// slicesContainsEmpty reports an empty name among names.
func slicesContainsEmpty(names []string) bool {
	for _, n := range names {
		if n == "" {
			return true
		}
	}
	return false
}
