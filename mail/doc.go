// Package mail talks to mail servers and makes messages displayable.
//
// It holds three concerns that the web handlers build on, none of which knows
// anything of HTTP:
//
//   - IMAP access (go-imap/v2): [DialIMAP] returns an authenticated [Client]
//     that lists mailboxes, pages through messages, fetches raw messages,
//     streams single parts decoded ([Client.StreamPart]) and sets flags. A
//     Client remembers the selected mailbox so a pool can reuse it without
//     selecting again.
//   - MIME parsing: [ParseMessage] turns a raw RFC 5322 message, however
//     malformed, into decoded headers, the best text and HTML bodies and a
//     list of parts; [PartContent] returns the decoded bytes of one part.
//     The splitting is our own, more tolerant than go-message's readers (it
//     never gives up on a message, and it keeps IMAP part numbers); charsets
//     come from go-message's tables plus UTF-7. Both bound their work so
//     hostile input cannot exhaust a server.
//   - Display safety: [SanitizeHTML] makes message HTML safe for a sandboxed
//     iframe and blocks remote content unless the user asked for it;
//     [LinkifyText] renders plain text as HTML with clickable links.
package mail
