package mail

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/webmail/webmail/mail/mime"
)

// multipart builds the Content-Type header and body of a multipart with
// boundary b from parts (each a header block and a body, see leafPart).
func multipart(contentType, b string, parts ...string) string {
	var s strings.Builder
	s.WriteString("Content-Type: " + contentType + "; boundary=\"" + b + "\"\r\n\r\npreamble\r\n")
	for _, p := range parts {
		s.WriteString("--" + b + "\r\n" + p + "\r\n")
	}
	s.WriteString("--" + b + "--\r\nepilogue\r\n")
	return s.String()
}

// leafPart joins a part's header fields (CRLF-ended) and its body.
func leafPart(header, body string) string { return header + "\r\n" + body }

// wrapped base64-encodes data in 76-character lines.
func wrapped(data []byte) string {
	enc := base64.StdEncoding.EncodeToString(data)
	var s strings.Builder
	for len(enc) > 76 {
		s.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	s.WriteString(enc)
	return s.String()
}

var (
	pdfBytes = []byte("%PDF-1.4\n" + strings.Repeat("binary \x00\x01\xfe\xff ", 300))
	pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{0, 1, 2, 250}, 200)...)
	qpText   = "Gr=C3=BC=C3=9Fe, a soft=\r\nbreak and trailing space   \r\n=3D done\r\n"
	inner    = "From: inner@example.org\r\nSubject: inner\r\nMIME-Version: 1.0\r\n" +
		multipart("multipart/mixed", "inner-b",
			leafPart("Content-Type: text/plain; charset=utf-8\r\n", "Inner text."),
			leafPart("Content-Type: application/pdf; name=\"inner.pdf\"\r\nContent-Transfer-Encoding: base64\r\n", wrapped(pdfBytes)))
	innerSingle = "From: inner@example.org\r\nSubject: single\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + qpText
)

// streamShapes are well-formed messages of every shape the part IDs must
// survive: all of their parts must stream.
var streamShapes = map[string]string{
	"mixed": "Subject: mixed\r\nMIME-Version: 1.0\r\n" + multipart("multipart/mixed", "b1",
		leafPart("Content-Type: text/plain\r\n", "See attached."),
		leafPart("Content-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"report.pdf\"\r\nContent-Transfer-Encoding: base64\r\n", wrapped(pdfBytes)),
		leafPart("Content-Type: text/plain; charset=utf-8\r\nContent-Disposition: attachment; filename*=UTF-8''gr%C3%BC%C3%9Fe.txt\r\nContent-Transfer-Encoding: quoted-printable\r\n", qpText),
		leafPart("Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=empty.bin\r\n", ""),
		leafPart("Content-Type: text/csv; name=data.csv\r\nContent-Transfer-Encoding: 8bit\r\n", "a,b\r\n1,2\r\n")),
	"nested alternative": "Subject: nested\r\nMIME-Version: 1.0\r\n" + multipart("multipart/mixed", "outer",
		multipart("multipart/alternative", "alt",
			leafPart("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n", qpText),
			leafPart("Content-Type: text/html; charset=utf-8\r\n", "<p>Hello <img src=\"cid:logo@x\"></p>")),
		leafPart("Content-Type: image/png\r\nContent-ID: <logo@x>\r\nContent-Disposition: inline\r\nContent-Transfer-Encoding: base64\r\n", wrapped(pngBytes)),
		leafPart("Content-Type: application/pdf; name=report.pdf\r\nContent-Transfer-Encoding: base64\r\n", wrapped(pdfBytes))),
	"related in mixed": "Subject: related\r\nMIME-Version: 1.0\r\n" + multipart("multipart/mixed", "m",
		multipart("multipart/related", "r",
			multipart("multipart/alternative", "a",
				leafPart("Content-Type: text/plain\r\n", "text"),
				leafPart("Content-Type: text/html\r\n", "<b>html</b>")),
			leafPart("Content-Type: image/png\r\nContent-ID: <img1>\r\nContent-Transfer-Encoding: base64\r\n", wrapped(pngBytes))),
		leafPart("Content-Type: application/zip\r\nContent-Disposition: attachment; filename=a.zip\r\nContent-Transfer-Encoding: base64\r\n", wrapped(pdfBytes))),
	"attached message": "Subject: fwd\r\nMIME-Version: 1.0\r\n" + multipart("multipart/mixed", "fwd",
		leafPart("Content-Type: text/plain\r\n", "Forwarded below."),
		leafPart("Content-Type: message/rfc822\r\nContent-Disposition: attachment; filename=inner.eml\r\n", inner),
		leafPart("Content-Type: message/rfc822\r\n", innerSingle)),
	"message in message": "Subject: fwd fwd\r\nMIME-Version: 1.0\r\n" + multipart("multipart/mixed", "o1",
		leafPart("Content-Type: text/plain\r\n", "Twice forwarded."),
		leafPart("Content-Type: message/rfc822\r\n", "Subject: middle\r\nMIME-Version: 1.0\r\n"+multipart("multipart/mixed", "o2",
			leafPart("Content-Type: text/plain\r\n", "Middle."),
			leafPart("Content-Type: message/rfc822\r\n", inner)))),
	"single text": "Subject: single\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + qpText,
	"single pdf":  "Subject: pdf only\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=only.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" + wrapped(pdfBytes) + "\r\n",
	"no mime":     "Subject: old\r\n\r\nJust text, no MIME headers at all.\r\n",
	"top message": "Subject: top\r\nMIME-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\n" + inner,
	"digest": "Subject: digest\r\nMIME-Version: 1.0\r\n" + multipart("multipart/digest", "d",
		leafPart("", innerSingle),
		leafPart("", inner)),
	"prose labelled base64": "Subject: liar\r\nMIME-Version: 1.0\r\n" + multipart("multipart/mixed", "l",
		leafPart("Content-Type: text/plain\r\n", "body"),
		leafPart("Content-Type: text/plain; name=liar.txt\r\nContent-Transfer-Encoding: base64\r\n", "This is plain text, not base64.\r\nSecond line.")),
	"lf only": strings.ReplaceAll("Subject: lf\r\nMIME-Version: 1.0\r\n"+multipart("multipart/mixed", "lf",
		leafPart("Content-Type: text/plain\r\n", "LF text"),
		leafPart("Content-Type: application/pdf; name=x.pdf\r\nContent-Transfer-Encoding: base64\r\n", wrapped(pdfBytes))), "\r\n", "\n"),
}

// partPaths lists every leaf of raw as a part path, through attached
// messages, with the part's content from PartContent.
func partPaths(raw []byte, prefix []string, depth int) (paths [][]string, contents [][]byte) {
	leaves, err := mime.Leaves(raw)
	if err != nil {
		panic(err)
	}
	for _, leaf := range leaves {
		path := append(append([]string(nil), prefix...), leaf.ID)
		_, content, err := mime.PartContent(raw, leaf.ID)
		if err != nil {
			continue
		}
		paths, contents = append(paths, path), append(contents, content)
		if (leaf.ContentType == "message/rfc822" || leaf.ContentType == "message/global") && depth < 4 {
			p, c := partPaths(content, path, depth+1)
			paths, contents = append(paths, p...), append(contents, c...)
		}
	}
	return paths, contents
}

// streamResult is what comparing StreamPart with PartContent found.
type streamResult struct {
	streamed int
	refused  []refusal // ErrNotStreamable
}

// refusal is a part StreamPart refused to stream.
type refusal struct {
	path        []string
	contentType string // as PartContent has it
	err         error
}

// refusedOther lists the refusals of parts other than attached messages,
// which StreamPart always leaves to PartContent.
func (r streamResult) refusedOther() []refusal {
	var out []refusal
	for _, ref := range r.refused {
		if ref.contentType != "message/rfc822" && ref.contentType != "message/global" {
			out = append(out, ref)
		}
	}
	return out
}

// compareStreamParts streams every part of message uid and compares each
// with PartContent on the whole message as the same server sends it.
func compareStreamParts(t *testing.T, c *Client, mailbox string, uid uint32, name string) streamResult {
	t.Helper()
	ctx := context.Background()
	raw, err := c.FetchRaw(ctx, mailbox, uid, 0)
	if err != nil {
		t.Fatalf("%s: FetchRaw: %v", name, err)
	}
	var res streamResult
	paths, contents := partPaths(raw, nil, 0)
	for i, path := range paths {
		want := contents[i]
		wantPart, err := resolveParts(raw, path)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var got bytes.Buffer
		opened := 0
		part, err := c.StreamPart(ctx, mailbox, uid, path, func(p mime.Part) io.Writer {
			opened++
			if p.ContentType != wantPart.ContentType || p.Filename != wantPart.Filename {
				t.Errorf("%s: part %v opened as %q %q, want %q %q", name, path, p.ContentType, p.Filename, wantPart.ContentType, wantPart.Filename)
			}
			return &got
		})
		if errors.Is(err, ErrNotStreamable) {
			if opened != 0 || got.Len() != 0 {
				t.Errorf("%s: part %v: ErrNotStreamable after writing %d bytes", name, path, got.Len())
			}
			if c.Broken() {
				t.Errorf("%s: part %v: ErrNotStreamable broke the connection", name, path)
			}
			res.refused = append(res.refused, refusal{path, wantPart.ContentType, err})
			continue
		}
		if err != nil {
			t.Errorf("%s: StreamPart(%v): %v", name, path, err)
			continue
		}
		res.streamed++
		if opened != 1 {
			t.Errorf("%s: part %v: open called %d times", name, path, opened)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s: part %v: streamed %d bytes %.60q, PartContent %d bytes %.60q", name, path, got.Len(), got.Bytes(), len(want), want)
		}
		wantPart.Size = int64(len(want))
		if part != wantPart {
			t.Errorf("%s: part %v: StreamPart %+v, PartContent %+v", name, path, part, wantPart)
		}
	}
	return res
}

// resolveParts is PartContent along a part path.
func resolveParts(raw []byte, path []string) (mime.Part, error) {
	var part mime.Part
	content := raw
	for _, id := range path {
		var err error
		if part, content, err = mime.PartContent(content, id); err != nil {
			return mime.Part{}, fmt.Errorf("PartContent %v: %w", path, err)
		}
	}
	return part, nil
}

// checkStreamShapes appends every shape and requires all parts to stream
// and match.
func checkStreamShapes(t *testing.T, c *Client, uids map[string]uint32) {
	t.Helper()
	for name, uid := range uids {
		res := compareStreamParts(t, c, "INBOX", uid, name)
		if other := res.refusedOther(); len(other) > 0 || res.streamed == 0 {
			t.Errorf("%s: %d parts streamed, refused: %v", name, res.streamed, other)
		}
	}
}

func TestDovecotStreamPartShapes(t *testing.T) {
	env, ep, email, password := dovecotUser(t)
	uids := map[string]uint32{}
	for name, raw := range streamShapes {
		uids[name] = uint32(env.AppendRaw(t, email, password, "INBOX", []byte(raw)))
	}
	checkStreamShapes(t, dialDovecot(t, ep, email, password), uids)
}

func TestIMAPStreamPartShapes(t *testing.T) {
	srv := startMemServer(t, nil)
	uids := map[string]uint32{}
	uid := uint32(0)
	for name, raw := range streamShapes {
		if name == "lf only" || name == "digest" {
			// go-imap's server serves bare LFs as they are, and its
			// BODYSTRUCTURE ignores multipart/digest's default type:
			// see TestIMAPStreamPartDigest.
			continue
		}
		srv.append(t, "INBOX", []byte(raw))
		uid++
		uids[name] = uid
	}
	checkStreamShapes(t, srv.dial(t), uids)
}

// notStreamableShapes are malformed in ways where Dovecot and ParseMessage
// may split differently: StreamPart must refuse the parts listed, and
// PartContent on the whole message stays the answer.
var notStreamableShapes = []struct {
	name, raw string
	path      []string
}{
	{"no boundary parameter", "Subject: x\r\nContent-Type: multipart/mixed\r\n\r\n--g\r\nContent-Type: text/plain\r\n\r\nA\r\n--g\r\nContent-Type: text/plain\r\n\r\nB\r\n--g--\r\n", []string{"2"}},
	{"no delimiter", "Subject: x\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\njust text\r\n", []string{"1"}},
	{"boundary reused inside", "Subject: x\r\nContent-Type: multipart/mixed; boundary=same\r\n\r\n--same\r\nContent-Type: multipart/alternative; boundary=same\r\n\r\n--same\r\nContent-Type: text/plain\r\n\r\nA\r\n--same\r\nContent-Type: text/html\r\n\r\nB\r\n--same--\r\n--same\r\nContent-Type: text/plain\r\n\r\nC\r\n--same--\r\n", []string{"2"}},
	{"header line without colon", "Subject: x\r\nContent-Type: multipart/mixed; boundary=h\r\n\r\n--h\r\nContent-Type: text/plain\r\nnot a header line\r\n\r\nA\r\n--h--\r\n", []string{"1"}},
	{"base64 attached message", "Subject: x\r\nContent-Type: multipart/mixed; boundary=e\r\n\r\n--e\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n" + wrapped([]byte("Subject: in\r\n\r\nhidden\r\n")) + "\r\n--e--\r\n", []string{"1", "1"}},
}

func TestDovecotStreamPartRefusesDoubtful(t *testing.T) {
	env, ep, email, password := dovecotUser(t)
	c := dialDovecot(t, ep, email, password)
	ctx := context.Background()
	for _, tc := range notStreamableShapes {
		uid := uint32(env.AppendRaw(t, email, password, "INBOX", []byte(tc.raw)))
		_, err := c.StreamPart(ctx, "INBOX", uid, tc.path, func(mime.Part) io.Writer {
			t.Errorf("%s: open called", tc.name)
			return io.Discard
		})
		if !errors.Is(err, ErrNotStreamable) {
			t.Errorf("%s: StreamPart(%v) = %v, want ErrNotStreamable", tc.name, tc.path, err)
		}
		// The connection is fine for the fallback.
		raw, err := c.FetchRaw(ctx, "INBOX", uid, 0)
		if err != nil {
			t.Fatalf("%s: FetchRaw after ErrNotStreamable: %v", tc.name, err)
		}
		if _, err := resolveParts(raw, tc.path); err != nil {
			t.Errorf("%s: the whole-message path fails too: %v", tc.name, err)
		}
	}

	// Parts that cannot exist, and messages that do not.
	uid := uint32(env.AppendRaw(t, email, password, "INBOX", []byte(streamShapes["single text"])))
	for _, tc := range []struct {
		uid  uint32
		path []string
	}{
		{uid, []string{"2"}}, {uid, []string{"1.1"}}, {uid, []string{"01"}}, {uid, []string{"1", ""}}, {uid + 100, []string{"1"}}, {0, []string{"1"}},
	} {
		_, err := c.StreamPart(ctx, "INBOX", tc.uid, tc.path, func(mime.Part) io.Writer { return io.Discard })
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("UID %d part %v: %v, want ErrNotFound", tc.uid, tc.path, err)
		}
	}
}

// TestIMAPStreamPartDigest: go-imap's server says text/plain where a
// multipart/digest part without a Content-Type is message/rfc822 (RFC 2046
// 5.1.5). StreamPart notices and refuses rather than stream a part typed
// otherwise than the message page lists it.
func TestIMAPStreamPartDigest(t *testing.T) {
	srv := startMemServer(t, nil)
	srv.append(t, "INBOX", []byte(streamShapes["digest"]))
	res := compareStreamParts(t, srv.dial(t), "INBOX", 1, "digest")
	if res.streamed != 0 || len(res.refused) == 0 {
		t.Errorf("%d parts streamed, %d refused; want all refused", res.streamed, len(res.refused))
	}
}
