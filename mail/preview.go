package mail

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/webmail/webmail/mail/mime"
)

// How much of a text part a preview is made from: enough for PreviewRunes
// of text after a quoted-printable or base64 expansion in most mail, and
// little to transfer for a page of 50 lines. An HTML part gets more: its
// <head> and <style> come before any text, often over a kilobyte of it.
const (
	previewBytes     = 512
	previewHTMLBytes = 3072
)

// fetchSize is how many bytes of the part to fetch.
func (p *previewSource) fetchSize() int64 {
	if p.html {
		return previewHTMLBytes
	}
	return previewBytes
}

// previewSource is the leaf of a message a list line's preview is read
// from: the first text/plain that is not an attachment, else the first
// such text/html.
type previewSource struct {
	path     []int // the IMAP part number; [1] for a message that is not multipart
	encoding string
	charset  string
	html     bool
}

// section is the part number as IMAP writes it ("1.2").
func (p *previewSource) section() string {
	parts := make([]string, len(p.path))
	for i, n := range p.path {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ".")
}

// pickPreviewSource finds a message's preview leaf in its BODYSTRUCTURE;
// nil when it has no text to show. Attached messages are not looked into
// (go-imap's Walk does not descend into message/rfc822).
func pickPreviewSource(bs imap.BodyStructure) *previewSource {
	var plain, html *previewSource
	bs.Walk(func(path []int, part imap.BodyStructure) bool {
		if plain != nil {
			return false
		}
		if d := part.Disposition(); d != nil && strings.EqualFold(d.Value, "attachment") {
			return false
		}
		leaf, ok := part.(*imap.BodyStructureSinglePart)
		if !ok || leafIsAttachment(leaf) {
			return true
		}
		src := &previewSource{path: append([]int(nil), path...), encoding: leaf.Encoding, charset: leaf.Params["charset"]}
		switch strings.ToLower(leaf.MediaType()) {
		case "text/plain":
			plain = src
		case "text/html":
			if html == nil {
				src.html = true
				html = src
			}
		}
		return true
	})
	if plain != nil {
		return plain
	}
	return html
}

// HasPreviewSource reports a list line whose message has a text part to
// make a preview from (see FetchPreviews).
func (s Summary) HasPreviewSource() bool { return s.previewFrom != nil }

// FetchPreviews returns the preview text of each line that has a text part
// (HasPreviewSource), by UID, read from the start of that part with
// BODY.PEEK[section]<0.n> (it does not set \Seen; n is fetchSize). Lines
// whose parts have the same number and size share one UID FETCH, the
// FETCHes pipelined. mailbox must be the one the lines were listed from. A line the server did not answer for is missing from
// the result; a line whose text is empty maps to "".
func (c *Client) FetchPreviews(ctx context.Context, mailbox string, lines []Summary) (map[uint32]string, error) {
	type group struct {
		section *imap.FetchItemBodySection
		uids    imap.UIDSet
		sources map[uint32]*previewSource
	}
	var groups []*group
	bySection := map[string]*group{}
	for _, line := range lines {
		src := line.previewFrom
		if src == nil {
			continue
		}
		groupKey := fmt.Sprintf("%s<%d>", src.section(), src.fetchSize())
		g := bySection[groupKey]
		if g == nil {
			g = &group{
				section: &imap.FetchItemBodySection{Part: src.path, Peek: true,
					Partial: &imap.SectionPartial{Offset: 0, Size: src.fetchSize()}},
				sources: map[uint32]*previewSource{},
			}
			bySection[groupKey] = g
			groups = append(groups, g)
		}
		g.uids.AddNum(imap.UID(line.UID))
		g.sources[line.UID] = src
	}
	previews := map[uint32]string{}
	if len(groups) == 0 {
		return previews, nil
	}
	if _, err := c.selectMailbox(ctx, mailbox); err != nil {
		return nil, err
	}
	err := c.do(ctx, fmt.Sprintf("fetch previews in %s", mailbox), func() error {
		// The FETCHes are pipelined: all sent before any answer is read.
		// Dovecot runs pipelined FETCHes in parallel and may answer a
		// later one first; go-imap hands each answer to its own command
		// and waits until it is read, so every command is read at once,
		// each by its own goroutine (reading them in turn deadlocks).
		cmds := make([]*imapclient.FetchCommand, len(groups))
		for i, g := range groups {
			cmds[i] = c.imap.Fetch(g.uids, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{g.section}})
		}
		answers := make([][]*imapclient.FetchMessageBuffer, len(cmds))
		errs := make([]error, len(cmds))
		var wg sync.WaitGroup
		for i, cmd := range cmds {
			wg.Add(1)
			go func() {
				defer wg.Done()
				answers[i], errs[i] = cmd.Collect()
			}()
		}
		wg.Wait()
		for i, g := range groups {
			for _, m := range answers[i] {
				src := g.sources[uint32(m.UID)]
				if src == nil || len(m.BodySection) == 0 {
					continue
				}
				previews[uint32(m.UID)] = mime.PreviewText(m.BodySection[0].Bytes, src.encoding, src.charset, src.html)
			}
		}
		// A connection error wins over a server's NO: c.do tells a broken
		// connection by its error's type, which errors.Join would hide,
		// and a broken connection must not go back to the pool.
		for _, err := range errs {
			var refused *imap.Error
			if err != nil && !errors.As(err, &refused) {
				return err
			}
		}
		return errors.Join(errs...)
	})
	return previews, err
}
