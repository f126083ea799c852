package handlers

import (
	"context"
	"io"
	"strconv"
	"testing"
	"time"

	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/templates/components"
)

// benchSummaries are n list lines as an INBOX page holds them: newest
// first over the last weeks (today, yesterday, this week, this year),
// named senders and bare addresses, a preview each, a few unread,
// flagged, answered or with attachments, some subjects with characters
// to escape.
func benchSummaries(n int, now time.Time) []app.MessageSummary {
	out := make([]app.MessageSummary, n)
	for i := range out {
		from := app.Address{Name: "Sender Number " + strconv.Itoa(i), Email: "sender" + strconv.Itoa(i) + "@example.com"}
		if i%4 == 0 {
			from.Name = ""
		}
		subject := "Re: the quarterly report, draft " + strconv.Itoa(i)
		if i%10 == 0 {
			subject += " & \"the figures\"" // some need escaping
		}
		out[i] = app.MessageSummary{
			UID:            uint32(5000 - i),
			Subject:        subject,
			From:           []app.Address{from},
			To:             []app.Address{{Name: "Reader", Email: "reader@example.com"}},
			Date:           now.Add(-time.Duration(i) * 9 * time.Hour),
			Size:           int64(1800 + i*37),
			Seen:           i%3 != 0,
			Flagged:        i%7 == 0,
			Answered:       i%5 == 0,
			HasAttachments: i%6 == 0,
			Preview:        "Hello, here are the figures we talked about on the phone, with the changes from last week",
		}
	}
	return out
}

// BenchmarkListRows is the webmail's own work for a list page's rows:
// summaryRow for 50 lines and the message table rendered, as
// listMessages does, in English and in German. go test -run '^$' -bench
// ListRows -benchmem ./handlers/
func BenchmarkListRows(b *testing.B) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)
	summaries := benchSummaries(50, now)
	for _, lang := range []string{"en", "de"} {
		b.Run(lang, func(b *testing.B) {
			ctx := i18n.WithLocale(context.Background(), i18n.Negotiate(lang, ""))
			ctx = components.WithIconSprite(ctx, "/static/files/vendor/lucide-static/sprite.0123456789abcdef.svg")
			f := rowFormat{ctx: ctx, now: now, loc: berlin, boxes: []app.Mailbox{{Name: "INBOX", SpecialUse: "inbox"}, {Name: "Sent", SpecialUse: "sent"}}}
			columns := sortColumns(ctx, "INBOX", app.ListParams{Sort: app.SortDate, Desc: true, Page: 1})
			b.ReportAllocs()
			for b.Loop() {
				rows := make([]components.MessageRow, 0, len(summaries))
				for _, m := range summaries {
					rows = append(rows, summaryRow("INBOX", m, f, false))
				}
				if err := components.MessageTable(rows, columns, false).Render(ctx, io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
