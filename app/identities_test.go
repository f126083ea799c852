package app

import (
	"context"
	"strings"
	"testing"
)

// TestIdentities: the login address comes first and stays; others are
// added, changed, checked and deleted; a compose writes as the one chosen.
func TestIdentities(t *testing.T) {
	ctx := context.Background()
	d := newComposeApp(t, 0)
	sess, email, password := d.user(t)
	ids, err := d.Identities(ctx, sess)
	if err != nil || len(ids) != 1 || ids[0].Email != email {
		t.Fatalf("first identities: %+v, %v", ids, err)
	}
	login := ids[0]
	err = d.DeleteIdentity(ctx, sess, login.ID)
	wantCode(t, "delete the login identity", err, CodeInvalid, "")
	if err := d.SaveIdentity(ctx, sess, IdentityInput{ID: login.ID, Email: "other@example.org", Name: "Me", SignatureText: "Me\nexample.org"}); err != nil {
		t.Fatal(err)
	}
	err = d.SaveIdentity(ctx, sess, IdentityInput{Email: "not an address"})
	wantCode(t, "a wrong address", err, CodeInvalid, "")
	err = d.SaveIdentity(ctx, sess, IdentityInput{Email: "ok@example.org", ReplyTo: "bad@@example.org"})
	wantCode(t, "a wrong Reply-To", err, CodeInvalid, "")
	if err := d.SaveIdentity(ctx, sess, IdentityInput{Email: "work@example.org", Name: "At Work", ReplyTo: "team@example.org"}); err != nil {
		t.Fatal(err)
	}
	ids, _ = d.Identities(ctx, sess)
	if len(ids) != 2 || ids[0].Email != email || ids[0].Name != "Me" || ids[1].Email != "work@example.org" {
		t.Fatalf("identities: %+v", ids)
	}
	// Another user cannot touch them.
	other, _, _ := d.user(t)
	wantCode(t, "another user's delete", d.DeleteIdentity(ctx, other, ids[1].ID), CodeNotFound, "")
	wantCode(t, "another user's edit", d.SaveIdentity(ctx, other, IdentityInput{ID: ids[1].ID, Email: "x@example.org"}), CodeNotFound, "")

	// A new message carries the default identity's signature; the Drafts
	// copy is written as the identity chosen.
	id, err := d.NewCompose(ctx, sess, NewComposeInput{Body: "Hello"})
	if err != nil {
		t.Fatal(err)
	}
	page, err := d.OpenCompose(ctx, sess, id)
	if err != nil || !strings.HasSuffix(page.Compose.BodyText, "\n-- \nMe\nexample.org\n") {
		t.Fatalf("body with signature: %q, %v", page.Compose.BodyText, err)
	}
	if _, err := d.SaveCompose(ctx, sess, SaveComposeInput{ID: id, Revision: page.Compose.Revision, IdentityID: ids[1].ID,
		To: "x@example.org", Subject: "As work", BodyText: "Hi", CopyToDrafts: true}); err != nil {
		t.Fatal(err)
	}
	drafts := d.mailboxUIDs(t, email, password, "Drafts")
	if len(drafts) != 1 {
		t.Fatalf("Drafts: %d messages", len(drafts))
	}
	raw := string(d.fetchRaw(t, email, password, "Drafts", drafts[0]))
	if !strings.Contains(raw, "From: \"At Work\" <work@example.org>") && !strings.Contains(raw, "From: At Work <work@example.org>") {
		t.Errorf("draft From is not the chosen identity:\n%s", raw[:min(len(raw), 600)])
	}
	if !strings.Contains(raw, "Reply-To: <team@example.org>") {
		t.Errorf("draft lacks the identity's Reply-To:\n%s", raw[:min(len(raw), 600)])
	}
	if err := d.DeleteIdentity(ctx, sess, ids[1].ID); err != nil {
		t.Fatal(err)
	}
	if ids, _ = d.Identities(ctx, sess); len(ids) != 1 {
		t.Errorf("after deleting: %+v", ids)
	}
}
