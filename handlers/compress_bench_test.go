package handlers

import (
	stdgzip "compress/gzip"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
)

// listPageLike is an HTML page shaped like a 50-row list page (~80 KB):
// rows with the same markup and different senders, subjects and previews.
func listPageLike() []byte {
	var b strings.Builder
	b.WriteString("<!doctype html><html><head><title>Inbox</title></head><body><table class=\"msglist\"><tbody>")
	for i := range 50 {
		fmt.Fprintf(&b, `<tr data-testid="message-row" data-uid="%d" data-select="%d" class="msg unread"><td class="sel"><input type="checkbox" name="uid" value="%d" id="sel-%d" data-testid="select"> <label for="sel-%d" class="vh">Select “Report %d on the quarterly numbers” from Sender %d</label></td><td class="marks"><span class="unread-dot" title="Unread" data-testid="mark-unread"><span class="vh">Unread</span></span><button type="submit" class="star" name="star-flag" value="%d" aria-pressed="false" title="Flag" data-testid="star"><svg class="icon" aria-hidden="true" focusable="false" data-icon="star"><use href="/static/vendor/lucide-static/sprite.18e53c141b.svg#star"></use></svg><span class="vh">Flag</span></button></td><td class="from"><a href="/mail/INBOX/%d" tabindex="-1" dir="auto">Sender %d</a></td><td class="subject indent-0"><a href="/mail/INBOX/%d" data-testid="message-link" dir="auto">Report %d on the quarterly numbers</a> <span class="preview" data-testid="row-preview" dir="auto">Hi, the figures for week %d are in: revenue %d, costs %d. Could you check the attached sheet before Thursday's meeting…</span></td><td class="date" title="Tue, Dec 8, 2026 00:%02d"><time datetime="2026-12-08T00:%02d:00Z">00:%02d</time></td><td class="size">%d KB</td></tr>`,
			5000-i, 5000-i, 5000-i, i, i, i, i%7, 5000-i, 5000-i, i%7, 5000-i, i, i, i*137%1000, i*71%1000, i, i, i, 1+i%9)
	}
	b.WriteString("</tbody></table></body></html>")
	return []byte(b.String())
}

// writeLikeTempl writes page in 4 KiB pieces, as templ's buffer does.
func writeLikeTempl(w io.Writer, page []byte) {
	for i := 0; i < len(page); i += 4096 {
		w.Write(page[i:min(i+4096, len(page))])
	}
}

type byteCounter struct{ n int }

func (c *byteCounter) Write(b []byte) (int, error) { c.n += len(b); return len(b), nil }

// pageWriter is what both encoders offer.
type pageWriter interface {
	io.WriteCloser
	Reset(io.Writer)
}

// BenchmarkPageCompression compares the page encoder (klauspost/compress at
// pageGzipLevel) with the standard library's at the same level: ns/op is
// one list-sized page, "bytes" its compressed size.
func BenchmarkPageCompression(b *testing.B) {
	page := listPageLike()
	run := func(b *testing.B, zw pageWriter) {
		out := &byteCounter{}
		b.SetBytes(int64(len(page)))
		for b.Loop() {
			out.n = 0
			zw.Reset(out)
			writeLikeTempl(zw, page)
			zw.Close()
		}
		b.ReportMetric(float64(out.n), "bytes")
	}
	b.Run("klauspost", func(b *testing.B) {
		zw, _ := gzip.NewWriterLevel(io.Discard, pageGzipLevel)
		run(b, zw)
	})
	b.Run("stdlib", func(b *testing.B) {
		zw, _ := stdgzip.NewWriterLevel(io.Discard, stdgzip.BestSpeed)
		run(b, zw)
	})
}
