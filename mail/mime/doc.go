// Package mime reads Internet messages (RFC 5322 with MIME, RFC 2045-2049)
// for display, and is where building them will live too.
//
// [ParseMessage] turns a raw message into decoded headers, the best text
// and HTML bodies and a list of parts; [PartContent] returns the decoded
// bytes of one part, [CopyDecoded] decodes a part's body as it streams in.
// The parser is our own rather than go-message's readers because mail in
// the wild is malformed and the user must still see it: it never fails on
// a message (a part it cannot split becomes text or an attachment, an
// unreadable header stays as it is, a missing boundary is guessed), it
// reads unknown and mislabelled charsets with a fallback (charsets come
// from go-message's tables plus UTF-7), and it numbers parts as IMAP does,
// so a part it lists can also be fetched alone with BODY[id].
//
// Its work is bounded (nesting depth, part count, header fields, decoded
// text size), so hostile input costs time and memory linear in its size,
// and it never panics: an internal bug comes back as an error.
//
// The HTML it returns is NOT safe to show: pass it through
// [github.com/webmail/webmail/mail/htmlsafe.Sanitize]. Names from headers
// ([Part.Filename]) must go through [SafeFilename] before they reach a
// response header.
package mime
