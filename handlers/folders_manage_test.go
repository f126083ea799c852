package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/webmail/webmail/internal/demo"
)

// TestFoldersManage creates, renames, moves, subscribes and deletes
// folders through /folders against Dovecot, with the refusals a user can
// run into.
func TestFoldersManage(t *testing.T) {
	f := newMsgFixture(t)
	token := f.csrf(t)
	rows := func() map[string]*goquery.Selection {
		t.Helper()
		resp, doc := f.page(t, "/folders")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /folders = %d", resp.StatusCode)
		}
		out := map[string]*goquery.Selection{}
		doc.Find(`tr[data-testid="folder-row"]`).Each(func(_ int, tr *goquery.Selection) {
			name, _ := tr.Attr("data-folder")
			out[name] = tr
		})
		return out
	}
	submit := func(path string, fields ...string) (*http.Response, *goquery.Document) {
		t.Helper()
		form := url.Values{"csrf": {token}}
		for i := 0; i+1 < len(fields); i += 2 {
			form.Set(fields[i], fields[i+1])
		}
		return f.post(t, path, form)
	}
	done := func(resp *http.Response, want string) {
		t.Helper()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/folders?done="+want {
			t.Fatalf("got %d → %q, want /folders?done=%s", resp.StatusCode, resp.Header.Get("Location"), want)
		}
	}
	refused := func(resp *http.Response, doc *goquery.Document, status int, text string) {
		t.Helper()
		msg := doc.Find(`[data-testid="folder-error"]`).Text()
		if resp.StatusCode != status || !strings.Contains(msg, text) {
			t.Fatalf("got %d %q, want %d with %q", resp.StatusCode, msg, status, text)
		}
	}

	// The page, and the sidebar's way to it.
	_, doc := f.page(t, "/mail/INBOX")
	if href, _ := doc.Find(`[data-testid="manage-folders"]`).Attr("href"); href != "/folders" {
		t.Errorf("sidebar manage link %q", href)
	}
	r := rows()
	for _, name := range []string{"INBOX", "Drafts", "Sent", "Junk", "Trash", "Archive"} {
		if r[name] == nil {
			t.Fatalf("no row for %s", name)
		}
	}
	if r["INBOX"].Find(`[data-testid="edit-folder"]`).Length() != 0 {
		t.Error("INBOX can be edited")
	}

	// Create, with the refusals.
	resp, _ := submit("/folders/create", "name", "Projects", "parent", "")
	done(resp, "created")
	resp, _ = submit("/folders/create", "name", "2024", "parent", "Projects")
	done(resp, "created")
	resp, _ = submit("/folders/create", "name", "Ünïcödé & Co", "parent", "")
	done(resp, "created")
	resp, doc = submit("/folders/create", "name", "Projects", "parent", "")
	refused(resp, doc, http.StatusConflict, "A folder with that name exists already")
	if v, _ := doc.Find(`#create-name`).Attr("value"); v != "Projects" {
		t.Errorf("the typed name is not kept: %q", v)
	}
	resp, doc = submit("/folders/create", "name", "inbox", "parent", "")
	refused(resp, doc, http.StatusConflict, "exists already")
	resp, doc = submit("/folders/create", "name", "a/b", "parent", "")
	refused(resp, doc, http.StatusBadRequest, `cannot contain "/"`)
	resp, doc = submit("/folders/create", "name", "  ", "parent", "")
	refused(resp, doc, http.StatusBadRequest, "Enter a name")
	resp, doc = submit("/folders/create", "name", "x", "parent", "Nowhere")
	refused(resp, doc, http.StatusBadRequest, "does not exist")

	r = rows()
	for _, name := range []string{"Projects", "Projects/2024", "Ünïcödé & Co"} {
		if r[name] == nil {
			t.Fatalf("no row for %s after create", name)
		}
	}
	if got := strings.TrimSpace(r["Ünïcödé & Co"].Find("td.name span").First().Text()); got != "Ünïcödé & Co" {
		t.Errorf("non-ASCII name shown as %q", got)
	}
	if r["Projects"].Find(`[data-testid="unsubscribe"]`).Length() != 1 {
		t.Error("a new folder is not subscribed")
	}

	// Subscribe and unsubscribe.
	resp, _ = submit("/folders/subscribe", "folder", "Projects", "subscribed", "0")
	done(resp, "unsubscribed")
	if rows()["Projects"].Find(`[data-testid="subscribe"]`).Length() != 1 {
		t.Error("still subscribed")
	}
	resp, _ = submit("/folders/subscribe", "folder", "Projects", "subscribed", "1")
	done(resp, "subscribed")

	// The edit form, then rename and move in one go, children along.
	_, doc = f.page(t, "/folders?edit=Projects")
	edit := doc.Find(`[data-testid="edit-form"]`)
	if v, _ := edit.Find(`#edit-name`).Attr("value"); v != "Projects" {
		t.Errorf("edit form name %q", v)
	}
	if edit.Find(`#edit-parent option[value="Projects/2024"]`).Length() != 0 {
		t.Error("the folder can be moved under its own child")
	}
	resp, _ = submit("/folders/rename", "folder", "Projects", "name", "Plans", "parent", "Archive")
	done(resp, "moved")
	r = rows()
	if r["Archive/Plans"] == nil || r["Archive/Plans/2024"] == nil || r["Projects"] != nil {
		t.Fatalf("after move: %v", folderNames(r))
	}
	resp, _ = submit("/folders/rename", "folder", "Archive/Plans", "name", "Pläne", "parent", "Archive")
	done(resp, "renamed")
	resp, _ = submit("/folders/rename", "folder", "Archive/Pläne", "name", "Pläne", "parent", "Archive")
	done(resp, "unchanged")
	resp, doc = submit("/folders/rename", "folder", "Archive/Pläne", "name", "x", "parent", "Archive/Pläne/2024")
	refused(resp, doc, http.StatusBadRequest, "cannot be moved into itself")
	resp, doc = submit("/folders/rename", "folder", "Archive/Pläne", "name", "Ünïcödé & Co", "parent", "")
	refused(resp, doc, http.StatusConflict, "exists already")
	resp, doc = submit("/folders/rename", "folder", "INBOX", "name", "Old", "parent", "")
	refused(resp, doc, http.StatusBadRequest, "Inbox cannot be renamed")

	// Delete asks first, listing what goes with it; the Inbox never goes.
	f.appendMessages(t, "Archive/Pläne/2024", plainEML(1))
	resp, doc = submit("/folders/delete", "folder", "Archive/Pläne")
	confirm := doc.Find(`[data-testid="delete-confirm"]`)
	if resp.StatusCode != http.StatusOK || confirm.Length() != 1 || !strings.Contains(confirm.Find(`[data-testid="delete-subfolders"]`).Text(), "Archive/Pläne/2024") ||
		!strings.Contains(confirm.Text(), "1 message") {
		t.Fatalf("delete without confirm: %d %q", resp.StatusCode, confirm.Text())
	}
	if rows()["Archive/Pläne"] == nil {
		t.Fatal("deleted without confirmation")
	}
	resp, _ = submit("/folders/delete", "folder", "Archive/Pläne", "confirm", "yes")
	done(resp, "deleted")
	r = rows()
	if r["Archive/Pläne"] != nil || r["Archive/Pläne/2024"] != nil || r["Archive"] == nil {
		t.Fatalf("after delete: %v", folderNames(r))
	}
	resp, doc = submit("/folders/delete", "folder", "Trash")
	if resp.StatusCode != http.StatusOK || !strings.Contains(doc.Find(`[data-testid="delete-confirm"]`).Text(), "This is your Trash folder") {
		t.Errorf("deleting Trash does not warn: %q", doc.Find(`[data-testid="delete-confirm"]`).Text())
	}
	resp, doc = submit("/folders/delete", "folder", "INBOX", "confirm", "yes")
	refused(resp, doc, http.StatusBadRequest, "Inbox cannot be deleted")
	resp, doc = submit("/folders/delete", "folder", "Gone", "confirm", "yes")
	refused(resp, doc, http.StatusNotFound, "does not exist")
	resp, _ = f.post(t, "/folders/create", url.Values{"name": {"Sneaky"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("create without CSRF token = %d", resp.StatusCode)
	}
	if rows()["INBOX"] == nil {
		t.Fatal("INBOX is gone")
	}
}

func folderNames(m map[string]*goquery.Selection) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestFoldersManageDemo runs the folder forms against the demo's IMAP
// server (go-imap's in-memory server underneath), which renames and
// deletes one mailbox at a time: children must still move and go along.
func TestFoldersManageDemo(t *testing.T) {
	f := newFixture(t)
	c := f.client()
	f.login(t, c, demo.DefaultUser, demo.DefaultPassword)
	_, doc := get(t, c, f.http.URL+"/folders")
	token, _ := doc.Find("body").Attr("data-csrf")
	post := func(path string, fields ...string) *http.Response {
		t.Helper()
		form := url.Values{"csrf": {token}}
		for i := 0; i+1 < len(fields); i += 2 {
			form.Set(fields[i], fields[i+1])
		}
		resp, err := c.PostForm(f.http.URL+path, form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/folders" {
			t.Fatalf("POST %s %v: %d at %s", path, fields, resp.StatusCode, resp.Request.URL)
		}
		return resp
	}
	names := func() []string {
		t.Helper()
		_, doc := get(t, c, f.http.URL+"/folders")
		var out []string
		doc.Find(`tr[data-testid="folder-row"]`).Each(func(_ int, tr *goquery.Selection) {
			out = append(out, tr.AttrOr("data-folder", ""))
		})
		return out
	}
	post("/folders/create", "name", "Demo Parent")
	post("/folders/create", "name", "Child", "parent", "Demo Parent")
	post("/folders/rename", "folder", "Demo Parent", "name", "Renamed Parent")
	got := strings.Join(names(), "|")
	if !strings.Contains(got, "|Renamed Parent|Renamed Parent/Child") || strings.Contains(got, "Demo Parent") {
		t.Fatalf("after rename: %s", got)
	}
	post("/folders/delete", "folder", "Renamed Parent", "confirm", "yes")
	if got := strings.Join(names(), "|"); strings.Contains(got, "Renamed Parent") {
		t.Fatalf("after delete: %s", got)
	}
}
