package mail

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/emersion/go-imap/v2"

	"github.com/webmail/webmail/mail/mime"
)

// Streaming a part means trusting the server to split the message as
// mime.ParseMessage does: BODY[2] must be the part mime.ParseMessage calls "2". For
// well-formed mail they agree; for malformed mail they can differ (our
// splitter guesses a missing boundary, wants white space after a
// delimiter, and gives up on hostile nesting earlier than Dovecot), and a
// streamed part would then be another part than the one listed. So before
// streaming, locatePart checks every step from the message to the part
// with our own parser's reading of the header blocks involved, fetched
// from the server, against the server's BODYSTRUCTURE; any doubt is
// ErrNotStreamable, and the caller falls back to the whole message.
//
// What it cannot see are delimiter lines the server takes and we do not
// ("--boundary" with junk after it, which Dovecot accepts as a prefix):
// those sit between the sections IMAP can fetch.

// maxHeaderFetch bounds each header block fetched to check a part's
// location; a longer one is not streamed.
const maxHeaderFetch = 256 << 10

// partLevel is one message along a part path: the top-level message, or a
// message attached to the one before.
type partLevel struct {
	prefix []int // the IMAP section of this message; nil for the top level
	nums   []int // the part number within it, "1.3" as [1, 3]
	id     string
}

// parsePartLevels reads a part path (see StreamPart). Numbers must be
// written as mime.ParseMessage writes them, or the part does not exist.
func parsePartLevels(path []string) ([]partLevel, error) {
	if len(path) == 0 {
		return nil, fmt.Errorf("mail: empty part path: %w", ErrNotFound)
	}
	var levels []partLevel
	var prefix []int
	for _, id := range path {
		var nums []int
		for _, field := range strings.Split(id, ".") {
			n, err := strconv.Atoi(field)
			if err != nil || n < 1 || strconv.Itoa(n) != field {
				return nil, fmt.Errorf("mail: part %q: %w", strings.Join(path, ":"), ErrNotFound)
			}
			nums = append(nums, n)
		}
		levels = append(levels, partLevel{prefix: prefix, nums: nums, id: id})
		prefix = append(append([]int(nil), prefix...), nums...)
	}
	return levels, nil
}

// headerSections lists the header blocks locatePart reads: each message's
// header and the MIME header of every part from it down to the next
// level. For a single-part message the MIME header of part 1 is the
// message header again; asking costs less than a round trip.
func headerSections(levels []partLevel) []*imap.FetchItemBodySection {
	var out []*imap.FetchItemBodySection
	for _, l := range levels {
		out = append(out, headerSection(imap.PartSpecifierHeader, l.prefix))
		for k := range l.nums {
			out = append(out, headerSection(imap.PartSpecifierMIME, concatParts(l.prefix, l.nums[:k+1])))
		}
	}
	return out
}

func headerSection(spec imap.PartSpecifier, part []int) *imap.FetchItemBodySection {
	return &imap.FetchItemBodySection{Specifier: spec, Part: part, Peek: true,
		Partial: &imap.SectionPartial{Offset: 0, Size: maxHeaderFetch}}
}

func concatParts(a, b []int) []int {
	return append(append(make([]int, 0, len(a)+len(b)), a...), b...)
}

// partLocation is a part of mime.ParseMessage's tree found on the server.
type partLocation struct {
	section []int           // for BODY[section]
	leaf    mime.PartHeader // its header as ParseMessage reads it
}

// headerLookup returns a header block fetched for headerSections, nil if
// the server sent none.
type headerLookup func(spec imap.PartSpecifier, part []int) []byte

// locatePart follows levels through the server's BODYSTRUCTURE and our
// reading of the header blocks, and returns where the part is. An error
// wraps ErrNotStreamable when the two may disagree, ErrNotFound when the
// part cannot exist in mime.ParseMessage's tree either.
func locatePart(bs imap.BodyStructure, levels []partLevel, header headerLookup) (partLocation, error) {
	if boundaryClash(bs, nil) {
		return partLocation{}, doubtful(levels, "a multipart reuses an enclosing boundary")
	}
	node := bs
	for li, l := range levels {
		loc, single, err := locateInMessage(node, l, header)
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				return partLocation{}, fmt.Errorf("mail: part %s: %w", levelsPath(levels), err)
			}
			return partLocation{}, doubtful(levels, "%v", err)
		}
		isMessage := loc.leaf.MediaType() == "message/rfc822" || loc.leaf.MediaType() == "message/global"
		switch {
		case li == len(levels)-1 && isMessage:
			// Dovecot counts the line break after an attached message's
			// last line into it when that line ends its structure (a
			// close delimiter right before the enclosing one, or a header
			// with no body); mime.PartContent leaves it to the delimiter. Only
			// the bytes after the part could tell the two apart.
			return partLocation{}, doubtful(levels, "%v is an attached message", loc.section)
		case li == len(levels)-1:
			return loc, nil
		case !isMessage:
			return partLocation{}, doubtful(levels, "%v is %s, not a message", loc.section, loc.leaf.MediaType())
		}
		if enc := loc.leaf.TransferEncoding(); enc == "base64" || enc == "quoted-printable" {
			// mime.PartContent decodes an encoded message before parsing it;
			// servers parse it as it is.
			return partLocation{}, doubtful(levels, "%v is an attached message in %s", loc.section, enc)
		}
		if single.MessageRFC822 == nil || single.MessageRFC822.BodyStructure == nil {
			return partLocation{}, doubtful(levels, "%v has no structure on the server", loc.section)
		}
		node = single.MessageRFC822.BodyStructure
	}
	panic("mail: locatePart: no levels")
}

// locateInMessage finds part l.nums of the message at l.prefix, whose
// structure on the server is node. The part must be a leaf of the same
// type on both sides; the multiparts above it must declare the same
// boundaries.
func locateInMessage(node imap.BodyStructure, l partLevel, header headerLookup) (partLocation, *imap.BodyStructureSinglePart, error) {
	root, ok := readPartHeader(header(imap.PartSpecifierHeader, l.prefix), "")
	if !ok {
		return partLocation{}, nil, fmt.Errorf("message header at %v", l.prefix)
	}
	if n := countParts(node); n > mime.MaxParts/2 {
		return partLocation{}, nil, fmt.Errorf("%d parts", n)
	}
	leaf, leafNode, section := root, node, concatParts(l.prefix, []int{1})
	if !root.Splittable(0) {
		if len(l.nums) != 1 || l.nums[0] != 1 {
			return partLocation{}, nil, fmt.Errorf("a single-part message has only part 1: %w", ErrNotFound)
		}
	} else {
		if err := sameMultipart(root, node); err != nil {
			return partLocation{}, nil, fmt.Errorf("message at %v: %w", l.prefix, err)
		}
		for k, n := range l.nums {
			multi := leafNode.(*imap.BodyStructureMultiPart) // sameMultipart checked
			if n > len(multi.Children) {
				return partLocation{}, nil, fmt.Errorf("no part %d in the server's structure", n)
			}
			section = concatParts(l.prefix, l.nums[:k+1])
			e, ok := readPartHeader(header(imap.PartSpecifierMIME, section), leaf.MediaType())
			if !ok {
				return partLocation{}, nil, fmt.Errorf("MIME header of %v", section)
			}
			leaf, leafNode = e, multi.Children[n-1]
			if k == len(l.nums)-1 {
				break
			}
			if err := sameMultipart(e, leafNode); err != nil {
				return partLocation{}, nil, fmt.Errorf("%v: %w", section, err)
			}
			if !e.Splittable(k + 1) {
				return partLocation{}, nil, fmt.Errorf("%v nested too deep", section)
			}
		}
		if leaf.Splittable(len(l.nums)) {
			// Our splitter makes a leaf of it only when it finds no
			// delimiter, which takes the body to know.
			return partLocation{}, nil, fmt.Errorf("%v is a multipart", section)
		}
	}
	single, ok := leafNode.(*imap.BodyStructureSinglePart)
	if !ok || single.MediaType() != leaf.MediaType() {
		return partLocation{}, nil, fmt.Errorf("%v is %s here, %s on the server", section, leaf.MediaType(), leafNode.MediaType())
	}
	return partLocation{section: section, leaf: leaf}, single, nil
}

// doubtful is the ErrNotStreamable error for the part at levels.
func doubtful(levels []partLevel, format string, args ...any) error {
	return fmt.Errorf("mail: part %s: %s: %w", levelsPath(levels), fmt.Sprintf(format, args...), ErrNotStreamable)
}

// levelsPath writes the part path back as StreamPart got it, "2:1.3".
func levelsPath(levels []partLevel) string {
	ids := make([]string, len(levels))
	for i, l := range levels {
		ids[i] = l.id
	}
	return strings.Join(ids, ":")
}

// readPartHeader reads a header block fetched on its own as our parser
// reads it at the start of a part (see mime.ReadPartHeader); a block as
// long as the fetch limit may have been cut and is never read.
func readPartHeader(block []byte, parentType string) (mime.PartHeader, bool) {
	if len(block) >= maxHeaderFetch {
		return mime.PartHeader{}, false
	}
	return mime.ReadPartHeader(block, parentType)
}

// sameMultipart checks that the server also has a multipart of this type
// split on the same declared boundary.
func sameMultipart(e mime.PartHeader, node imap.BodyStructure) error {
	boundary := e.Boundary()
	if boundary == "" {
		return fmt.Errorf("no boundary declared") // ours guesses one
	}
	if !mime.UsableBoundary(boundary) {
		return fmt.Errorf("a boundary of %d bytes", len(boundary)) // ours does not split
	}
	if last := boundary[len(boundary)-1]; last == ' ' || last == '\t' {
		// RFC 2046 forbids it; Dovecot drops it and splits on lines we
		// read as text.
		return fmt.Errorf("a boundary ending in white space")
	}
	multi, ok := node.(*imap.BodyStructureMultiPart)
	if !ok || multi.MediaType() != e.MediaType() {
		return fmt.Errorf("%s here, %s on the server", e.MediaType(), node.MediaType())
	}
	if multi.Extended == nil || multi.Extended.Params["boundary"] != boundary {
		return fmt.Errorf("the server reads another boundary")
	}
	return nil
}

// boundaryClash reports a multipart anywhere in the message (attached
// messages included) whose boundary an enclosing multipart's delimiter
// lines would also match: the same boundary, or the enclosing one followed
// by white space. Our splitter cuts the outer multipart on those lines
// first, where Dovecot gives them to the innermost multipart; the parts
// after them are then numbered differently. A structure without the
// boundaries is a clash too: it cannot be checked.
func boundaryClash(bs imap.BodyStructure, enclosing []string) bool {
	switch node := bs.(type) {
	case *imap.BodyStructureMultiPart:
		if node.Extended == nil {
			return true
		}
		b := node.Extended.Params["boundary"]
		for _, outer := range enclosing {
			if b == outer || strings.HasPrefix(b, outer+" ") || strings.HasPrefix(b, outer+"\t") {
				return true
			}
		}
		enclosing = append(enclosing[:len(enclosing):len(enclosing)], b)
		for _, child := range node.Children {
			if boundaryClash(child, enclosing) {
				return true
			}
		}
	case *imap.BodyStructureSinglePart:
		if node.MessageRFC822 != nil && node.MessageRFC822.BodyStructure != nil {
			return boundaryClash(node.MessageRFC822.BodyStructure, enclosing)
		}
	}
	return false
}

// countParts counts the entities of one message as our parser makes them:
// an attached message is one leaf.
func countParts(bs imap.BodyStructure) int {
	multi, ok := bs.(*imap.BodyStructureMultiPart)
	if !ok {
		return 1
	}
	n := 1
	for _, child := range multi.Children {
		n += countParts(child)
	}
	return n
}
