// Package mime reads Internet messages (RFC 5322 with MIME, RFC 2045-2049)
// for display, and builds the messages the user sends.
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
//
// Building is go-message's writers with our own header rendering:
// [Build] (and [BuildDraft], which keeps Bcc) writes an [Outgoing] message
// to an io.Writer, streaming attachments from their openers so that no
// attachment is ever whole in memory. It checks every field before the
// first byte: a field that would break out of its header line is a
// [*FieldError], a bad address an [*AddressError] naming the field and the
// address (as is what [ParseRecipients] refuses in what the user typed).
// [HTMLToText] makes the text part of rich mail; [QuoteText],
// [ReplyAttribution], [ReplySubject], [ForwardSubject] and [ForwardIntro]
// prepare replies and forwards.
package mime
