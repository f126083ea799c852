package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// quotedEML is a text reply with the writer's lines, an inline quote
// answered in between, and the whole earlier message quoted at the end
// (itself quoting one level deeper); format=flowed with DelSp.
func quotedEML(messageID, inReplyTo string) []byte {
	refs := ""
	if inReplyTo != "" {
		refs = "In-Reply-To: <" + inReplyTo + ">\r\nReferences: <" + inReplyTo + ">\r\n"
	}
	return []byte("From: Bob <bob@example.org>\r\nTo: reader@example.test\r\nSubject: Re: Thursday\r\n" +
		"Date: Tue, 3 Mar 2026 10:00:00 +0000\r\nMessage-ID: <" + messageID + ">\r\n" + refs +
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\r\n\r\n" +
		"Hi Anna,\r\n\r\n" +
		"This line was wrapped by the sender's mail pro \r\ngram and is one line.\r\n\r\n" +
		"> Is room 4 free?\r\n\r\n" +
		"Yes, it is.\r\n\r\n" +
		"On Mon, Anna wrote:\r\n" +
		"> Shall we meet\r\n> on Thursday?\r\n>> Earlier: the agenda\r\n> Bring the slides.\r\n> Anna\r\n")
}

// TestMessageTextBody: a text body is proportional (monospace by the
// plain_font setting), its soft line breaks (format=flowed, DelSp) are
// joined, and its quotes are <blockquote>s in <details>: an answered quote
// stays open, the long quote that ends the message starts folded, a
// deeper quote nests inside.
func TestMessageTextBody(t *testing.T) {
	f := newMsgFixture(t)
	uid := f.appendMessages(t, "INBOX", quotedEML("reply-1@example.org", ""))[0]
	path := fmt.Sprintf("/mail/INBOX/%d", uid)
	_, doc := f.page(t, path)
	body := doc.Find(`[data-testid="text-body"]`)
	if !body.HasClass("text") || body.HasClass("mono") {
		t.Errorf("text body class %q, want proportional", body.AttrOr("class", ""))
	}
	if !strings.Contains(body.Text(), "This line was wrapped by the sender's mail program and is one line.") {
		t.Errorf("format=flowed not joined: %q", body.Text())
	}
	quotes := body.ChildrenFiltered(`details.quote`)
	if quotes.Length() != 2 {
		t.Fatalf("%d top-level quotes, want 2: %s", quotes.Length(), htmlOf(body))
	}
	first, last := quotes.Eq(0), quotes.Eq(1)
	if _, open := first.Attr("open"); !open || !strings.Contains(first.Find("blockquote").Text(), "Is room 4 free?") {
		t.Errorf("the answered quote: open=%v %q", open, first.Text())
	}
	if _, open := last.Attr("open"); open {
		t.Error("the long quote at the end starts open")
	}
	if got := strings.TrimSpace(last.ChildrenFiltered("summary").Text()); got != "Quoted text, 5 lines" {
		t.Errorf("summary %q", got)
	}
	nested := last.Find("blockquote details.quote blockquote")
	if nested.Length() != 1 || !strings.Contains(nested.Text(), "Earlier: the agenda") || strings.Contains(nested.Text(), ">") {
		t.Errorf("nested quote: %s", htmlOf(last))
	}
	if strings.Contains(last.Find("blockquote").First().Text(), "> on Thursday") {
		t.Error("quote marks left in the quote")
	}

	user, err := f.db.UserByEmail(context.Background(), f.email)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.SetPref(context.Background(), user.ID, "plain_font", "monospace"); err != nil {
		t.Fatal(err)
	}
	_, doc = f.page(t, path)
	if !doc.Find(`[data-testid="text-body"]`).HasClass("mono") {
		t.Error("plain_font=monospace: the text body is not monospace")
	}
}

func htmlOf(s *goquery.Selection) string {
	h, _ := goquery.OuterHtml(s)
	return h
}

// TestMessageConversation: with ?thread=1 the message page shows the
// rest of its conversation (from the list's threading), each other
// message one folded line with sender and date, linking to its page and
// to its body document, which a text message has too; without it, no
// conversation and a link to show it.
func TestMessageConversation(t *testing.T) {
	f := newMsgFixture(t)
	original := []byte("From: Anna <anna@example.org>\r\nTo: reader@example.test\r\nSubject: Thursday\r\n" +
		"Date: Mon, 2 Mar 2026 09:00:00 +0000\r\nMessage-ID: <thursday-0@example.org>\r\n\r\nShall we meet on Thursday?\r\n")
	other := plainEML(1)
	uids := f.appendMessages(t, "INBOX", original, other, quotedEML("thursday-1@example.org", "thursday-0@example.org"))
	reply := uids[2]
	path := fmt.Sprintf("/mail/INBOX/%d", reply)

	_, doc := f.page(t, path)
	if doc.Find(`[data-testid="conversation"]`).Length() != 0 {
		t.Error("a conversation without ?thread=1")
	}
	if href, _ := doc.Find(`[data-testid="conversation-toggle"]`).Attr("href"); href != path+"?thread=1" {
		t.Errorf("conversation toggle %q", href)
	}

	_, doc = f.page(t, path+"?thread=1")
	items := doc.Find(`[data-testid="conversation-item"]`)
	if items.Length() != 1 {
		t.Fatalf("%d other messages in the conversation, want 1 (the original, not the unrelated one)", items.Length())
	}
	item := items.First()
	if _, open := item.Attr("open"); open {
		t.Error("an older message starts open")
	}
	if from := item.Find(".conv-from").Text(); strings.TrimSpace(from) != "Anna" {
		t.Errorf("sender %q", from)
	}
	if iso, _ := item.Find("time").Attr("datetime"); iso != "2026-03-02T09:00:00Z" {
		t.Errorf("date %q", iso)
	}
	// The older message comes before the message shown.
	if html, _ := doc.Find(`[data-testid="message"]`).Html(); strings.Index(html, `data-testid="conversation-item"`) > strings.Index(html, `data-testid="text-body"`) {
		t.Error("the older message is not above the message shown")
	}
	if href, _ := item.Find(`[data-testid="conversation-open"]`).Attr("href"); href != fmt.Sprintf("/mail/INBOX/%d?thread=1", uids[0]) {
		t.Errorf("open link %q", href)
	}
	src, _ := item.Find(`iframe[data-testid="conversation-body"]`).Attr("src")
	if loading, _ := item.Find("iframe").Attr("loading"); loading != "lazy" {
		t.Errorf("the folded body loads at once (loading=%q)", loading)
	}
	resp, body := f.fetch(t, src)
	if resp.StatusCode != 200 || !strings.Contains(string(body), "Shall we meet on Thursday?") || !bodySandboxTokens(cspSandbox(resp.Header.Get("Content-Security-Policy"))) {
		t.Errorf("conversation body %s: %d %s", src, resp.StatusCode, body)
	}
	if href, _ := doc.Find(`[data-testid="conversation-toggle"]`).Attr("href"); href != path {
		t.Errorf("hide conversation link %q", href)
	}
}
