package mail

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/webmail/webmail/mail/mime"
)

// A message page shows the headers, the text and HTML bodies and the
// inline images; attachments only by name and size. Fetching the whole
// message for that moves every attachment over the wire and makes us walk
// its base64 only to count its bytes. FetchForDisplay fetches what the page
// shows: the structure first, then the header blocks and the shown parts'
// bodies in one command. What mime.ParseMessage needs is rebuilt from those
// pieces (a stand-in message with the same headers and shown bodies, the
// other bodies left empty), after checking, as StreamPart does, that our
// parser splits the message as the server does. Any doubt fetches the
// whole message instead.

// displayWholeBelow is the number of bytes a structured fetch would leave
// out under which the whole message is fetched anyway: the parser's exact
// reading is worth a few kilobytes, and text-only mail (most of it) needs
// no check.
const displayWholeBelow = 16 << 10

// displayPrefetch is how much of a message its first command fetches:
// all of it when it is no larger.
const displayPrefetch = 16 << 10

// maxInlineImageFetch bounds the encoded bytes of the inline images (parts
// with a Content-ID) fetched with the bodies; app embeds at most 10 MB of
// them decoded.
const maxInlineImageFetch = 14 << 20

// DisplayOptions says how FetchForDisplay fetches.
type DisplayOptions struct {
	// MaxBytes bounds the bytes fetched: the whole message, or the shown
	// parts of a structured fetch. <= 0 means no limit.
	MaxBytes int64
	// MarkSeen sets \Seen with the fetch itself (BODY[] instead of
	// BODY.PEEK[]): opening the message reads it, in the same round trip.
	MarkSeen bool
}

// DisplayMessage is a message as fetched for its page.
type DisplayMessage struct {
	// Raw is the whole message when Whole. Otherwise it is a stand-in that
	// mime.ParseMessage reads as it reads the message, except that the
	// parts listed in LeftOut have empty bodies.
	Raw   []byte
	Whole bool
	// LeftOut maps the ID of every part whose body was not fetched to its
	// decoded size, estimated from the server's structure (exact but for
	// base64 line breaks).
	LeftOut map[string]int64
}

// FetchForDisplay fetches message uid of mailbox for its page: the whole
// message when it is small or carries little besides its text, otherwise
// its structure, header blocks and shown parts only (see above). A message
// larger than opts.MaxBytes is an error wrapping ErrTooLarge only when it
// has to be fetched whole. An unknown UID is ErrNotFound.
func (c *Client) FetchForDisplay(ctx context.Context, mailbox string, uid uint32, opts DisplayOptions) (DisplayMessage, error) {
	return c.fetchForDisplay(ctx, mailbox, uid, opts, displayWholeBelow)
}

// fetchForDisplay is FetchForDisplay fetching the whole message when a
// structured fetch would leave out fewer than wholeBelow bytes (< 0: only
// when it cannot be done; the tests' way to check it on any message).
func (c *Client) fetchForDisplay(ctx context.Context, mailbox string, uid uint32, opts DisplayOptions, wholeBelow int64) (DisplayMessage, error) {
	if uid == 0 {
		return DisplayMessage{}, fmt.Errorf("mail: fetch UID 0: %w", ErrNotFound)
	}
	if _, err := c.selectMailbox(ctx, mailbox); err != nil {
		return DisplayMessage{}, err
	}
	op := fmt.Sprintf("fetch %s UID %d for display", mailbox, uid)
	var (
		size int64 = -1
		bs   imap.BodyStructure
		head []byte
	)
	// The first displayPrefetch bytes come along with the structure: a
	// small message (most text mail) is then whole after one command
	// instead of two. A larger one wastes them, next to what it fetches.
	prefix := &imap.FetchItemBodySection{Peek: !opts.MarkSeen, Partial: &imap.SectionPartial{Size: displayPrefetch}}
	err := c.do(ctx, op, func() error {
		msgs, err := c.imap.Fetch(imap.UIDSetNum(imap.UID(uid)), &imap.FetchOptions{
			UID: true, RFC822Size: true, BodyStructure: &imap.FetchItemBodyStructure{Extended: true},
			BodySection: []*imap.FetchItemBodySection{prefix},
		}).Collect()
		for _, m := range msgs {
			if m.UID == imap.UID(uid) {
				size, bs = m.RFC822Size, m.BodyStructure
				if len(m.BodySection) > 0 {
					head = m.BodySection[0].Bytes
				}
			}
		}
		return err
	})
	if err != nil {
		return DisplayMessage{}, err
	}
	if wholeBelow >= 0 && size >= 0 && size <= displayPrefetch && int64(len(head)) == size &&
		(opts.MaxBytes <= 0 || size <= opts.MaxBytes) {
		return DisplayMessage{Raw: head, Whole: true}, nil
	}
	whole := func() (DisplayMessage, error) {
		raw, err := c.fetchWhole(ctx, op, uid, size, opts.MaxBytes, !opts.MarkSeen)
		return DisplayMessage{Raw: raw, Whole: true}, err
	}
	plan, ok := planDisplay(bs)
	if !ok || size < 0 || plan.leftOutBytes < wholeBelow {
		return whole()
	}
	if opts.MaxBytes > 0 && plan.fetchBytes > opts.MaxBytes {
		return DisplayMessage{}, fmt.Errorf("mail: %s: %d bytes shown, limit %d: %w", op, plan.fetchBytes, opts.MaxBytes, ErrTooLarge)
	}
	msg, err := c.fetchPieces(ctx, op, uid, plan, !opts.MarkSeen)
	if err != nil {
		return DisplayMessage{}, err
	}
	out, err := assembleDisplay(bs, plan, msg)
	if err != nil {
		// Our parser may read the message differently from the server:
		// only the whole message gives its reading.
		return whole()
	}
	return out, nil
}

// displayPlan is what a structured fetch asks for.
type displayPlan struct {
	sections     []*imap.FetchItemBodySection // header blocks, then bodies
	bodies       map[string]bool              // the IDs of the leaves whose bodies are fetched
	leftOut      map[string]int64             // the other leaves' estimated decoded sizes
	skipped      map[string]bool              // left-out inline images: over the budget, not misread
	leftOutBytes int64
	fetchBytes   int64
}

// planDisplay decides from the server's structure which bodies to fetch:
// text and HTML leaves not marked as attachments, and raster images with
// a Content-ID up to a budget. ok is false for a structure that cannot be
// checked or a single-part message (fetched whole).
func planDisplay(bs imap.BodyStructure) (displayPlan, bool) {
	root, ok := bs.(*imap.BodyStructureMultiPart)
	if !ok || boundaryClash(bs, nil) || boundaryPrefix(bs, nil) || countParts(bs) > mime.MaxParts/2 {
		return displayPlan{}, false
	}
	p := displayPlan{bodies: map[string]bool{}, leftOut: map[string]int64{}, skipped: map[string]bool{}}
	p.sections = append(p.sections, headerSection(imap.PartSpecifierHeader, nil))
	imageBudget := int64(maxInlineImageFetch)
	var walk func(node *imap.BodyStructureMultiPart, prefix []int)
	walk = func(node *imap.BodyStructureMultiPart, prefix []int) {
		for i, child := range node.Children {
			section := concatParts(prefix, []int{i + 1})
			p.sections = append(p.sections, headerSection(imap.PartSpecifierMIME, section))
			if multi, ok := child.(*imap.BodyStructureMultiPart); ok {
				walk(multi, section)
				continue
			}
			leaf := child.(*imap.BodyStructureSinglePart)
			id := sectionID(section)
			fetch := shownText(leaf)
			if !fetch && inlineImage(leaf) {
				fetch = int64(leaf.Size) <= imageBudget
				imageBudget -= int64(leaf.Size)
				p.skipped[id] = !fetch
			}
			if fetch {
				p.bodies[id] = true
				p.fetchBytes += int64(leaf.Size)
				p.sections = append(p.sections, &imap.FetchItemBodySection{Part: section, Peek: true})
				continue
			}
			p.leftOut[id] = estimateDecodedSize(leaf)
			p.leftOutBytes += int64(leaf.Size)

		}
	}
	walk(root, nil)
	return p, true
}

// shownText reports a leaf the server describes as message text: what
// mime.ParseMessage takes as a body leaf, as far as the structure tells.
func shownText(leaf *imap.BodyStructureSinglePart) bool {
	mediaType := leaf.MediaType()
	if mediaType != "text/plain" && mediaType != "text/html" {
		return false
	}
	disposition := ""
	if d := leaf.Disposition(); d != nil {
		disposition = strings.ToLower(d.Value)
	}
	switch disposition {
	case "attachment":
		return false
	case "inline":
		return true
	}
	return leaf.Filename() == ""
}

// inlineImage reports a raster image with a Content-ID: HTML may show it.
func inlineImage(leaf *imap.BodyStructureSinglePart) bool {
	switch leaf.MediaType() {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		return leaf.ID != ""
	}
	return false
}

// boundaryPrefix reports nested multiparts (attached messages aside) one
// of whose boundaries begins the other: a delimiter line of one then
// begins with the other's, which the server may take as a delimiter with
// junk after it where our splitter does not.
func boundaryPrefix(bs imap.BodyStructure, enclosing []string) bool {
	multi, ok := bs.(*imap.BodyStructureMultiPart)
	if !ok {
		return false
	}
	if multi.Extended == nil {
		return true
	}
	b := multi.Extended.Params["boundary"]
	for _, outer := range enclosing {
		if strings.HasPrefix(b, outer) || strings.HasPrefix(outer, b) {
			return true
		}
	}
	enclosing = append(enclosing[:len(enclosing):len(enclosing)], b)
	for _, child := range multi.Children {
		if boundaryPrefix(child, enclosing) {
			return true
		}
	}
	return false
}

// estimateDecodedSize is a leaf's size once decoded, from its encoded size:
// base64 carries 3 bytes in 4 characters, on lines of 76 and a CRLF.
// Quoted-printable is anything from a third of it to all of it: its
// encoded size is given, an upper bound. (Asking the server's BINARY.SIZE
// would make it decode the part; go-imap v2 beta.8 also loses the
// connection on the answer.)
func estimateDecodedSize(leaf *imap.BodyStructureSinglePart) int64 {
	size := int64(leaf.Size)
	if strings.EqualFold(leaf.Encoding, "base64") {
		lines := (size + 77) / 78
		return max(size-2*lines, 0) * 3 / 4
	}
	return size
}

// sectionID writes an IMAP section as mime.Part IDs are written, "1.2".
func sectionID(section []int) string {
	ids := make([]string, len(section))
	for i, n := range section {
		ids[i] = strconv.Itoa(n)
	}
	return strings.Join(ids, ".")
}

// fetchPieces fetches the plan's sections in one command.
func (c *Client) fetchPieces(ctx context.Context, op string, uid uint32, plan displayPlan, peek bool) (*imapclient.FetchMessageBuffer, error) {
	sections := plan.sections
	if !peek {
		// Any BODY[...] without .PEEK sets \Seen: the message header
		// carries the flag change, so the fetch reads the message.
		sections = slices.Clone(sections)
		header := *sections[0]
		header.Peek = false
		sections[0] = &header
	}
	options := &imap.FetchOptions{UID: true, BodySection: sections}
	var msg *imapclient.FetchMessageBuffer
	err := c.do(ctx, op, func() error {
		msgs, err := c.imap.Fetch(imap.UIDSetNum(imap.UID(uid)), options).Collect()
		for _, m := range msgs {
			if m.UID == imap.UID(uid) {
				msg = m
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if msg == nil {
		return nil, fmt.Errorf("mail: %s: %w", op, ErrNotFound) // expunged meanwhile
	}
	return msg, nil
}

// assembleDisplay rebuilds the stand-in message from the fetched pieces,
// checking every step with our parser's reading of the header blocks: the
// same multiparts on the same boundaries, leaves of the same types, the
// shown bodies fetched and none holding a delimiter line. An error means
// the stand-in could be read differently from the message.
func assembleDisplay(bs imap.BodyStructure, plan displayPlan, msg *imapclient.FetchMessageBuffer) (DisplayMessage, error) {
	find := func(spec imap.PartSpecifier, part []int) []byte {
		for _, s := range plan.sections {
			if s.Specifier == spec && slices.Equal(s.Part, part) {
				return msg.FindBodySection(&imap.FetchItemBodySection{Specifier: spec, Part: part, Partial: s.Partial})
			}
		}
		return nil
	}
	header := find(imap.PartSpecifierHeader, nil)
	root, ok := readPartHeader(header, "")
	if !ok || !root.Splittable(0) {
		return DisplayMessage{}, fmt.Errorf("mail: message header not read as a multipart")
	}
	if err := sameMultipart(root, bs); err != nil {
		return DisplayMessage{}, err
	}
	var out bytes.Buffer
	out.Grow(len(header) + int(plan.fetchBytes) + 4096)
	out.Write(header)
	if err := assembleMultipart(&out, bs.(*imap.BodyStructureMultiPart), root, nil, []string{root.Boundary()}, plan, find); err != nil {
		return DisplayMessage{}, err
	}
	return DisplayMessage{Raw: out.Bytes(), LeftOut: plan.leftOut}, nil
}

// assembleMultipart writes the body of the multipart node at prefix, whose
// header we read as h; boundaries are its own and the enclosing ones,
// innermost last.
func assembleMultipart(out *bytes.Buffer, node *imap.BodyStructureMultiPart, h mime.PartHeader, prefix []int, boundaries []string, plan displayPlan, find func(imap.PartSpecifier, []int) []byte) error {
	boundary := boundaries[len(boundaries)-1]
	depth := len(prefix)
	for i, child := range node.Children {
		section := concatParts(prefix, []int{i + 1})
		id := sectionID(section)
		mimeHeader := find(imap.PartSpecifierMIME, section)
		ch, ok := readPartHeader(mimeHeader, h.MediaType())
		if !ok {
			return fmt.Errorf("mail: MIME header of %s not read", id)
		}
		out.WriteString("--" + boundary + "\r\n")
		out.Write(mimeHeader)
		if multi, isMulti := child.(*imap.BodyStructureMultiPart); isMulti {
			if !ch.Splittable(depth + 1) {
				return fmt.Errorf("mail: %s nested too deep", id)
			}
			if err := sameMultipart(ch, multi); err != nil {
				return fmt.Errorf("mail: %s: %w", id, err)
			}
			if err := assembleMultipart(out, multi, ch, section, append(slices.Clip(boundaries), ch.Boundary()), plan, find); err != nil {
				return err
			}
			out.WriteString("\r\n")
			continue
		}
		leaf := child.(*imap.BodyStructureSinglePart)
		if ch.Splittable(depth+1) || ch.MediaType() != leaf.MediaType() {
			return fmt.Errorf("mail: %s is %s here, %s on the server", id, ch.MediaType(), leaf.MediaType())
		}
		if !plan.bodies[id] {
			part := ch.Part()
			if ch.BodyLeaf() || (part.ContentID != "" && inlineImage(leaf) && !plan.skipped[id]) {
				return fmt.Errorf("mail: %s is shown here, not by the server's structure", id)
			}
			out.WriteString("\r\n")
			continue
		}
		body := find(imap.PartSpecifierNone, section)
		for _, b := range boundaries {
			if hasDelimiterLine(body, b) {
				return fmt.Errorf("mail: %s holds a delimiter line", id)
			}
		}
		out.Write(body)
		out.WriteString("\r\n")
	}
	out.WriteString("--" + boundary + "--\r\n")
	return nil
}

// hasDelimiterLine reports a line of body starting with "--boundary": in
// the stand-in it would split where the server did not.
func hasDelimiterLine(body []byte, boundary string) bool {
	delim := []byte("--" + boundary)
	if bytes.HasPrefix(body, delim) {
		return true
	}
	return bytes.Contains(body, append([]byte("\n"), delim...)) || bytes.Contains(body, append([]byte("\r"), delim...))
}
