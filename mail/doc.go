// Package mail talks to mail servers: IMAP access and the routing of a
// login to its servers. It knows nothing of HTTP.
//
//   - IMAP (go-imap/v2): [DialIMAP] returns an authenticated [Client] that
//     lists mailboxes ([Client.Mailboxes]), pages through sorted, filtered
//     or threaded message lists ([Client.ListSorted], [Client.ListThreads],
//     [Client.SearchAll]), fetches raw messages ([Client.FetchRaw],
//     [Client.StreamRaw]), streams single parts decoded
//     ([Client.StreamPart]), sets flags, moves messages and manages
//     folders. For writing mail it stores messages ([Client.Append],
//     [Client.ReplaceDraft]), finds Sent and Drafts
//     ([Client.SentMailbox], [Client.DraftsMailbox]) and flags originals
//     ([Client.MarkAnswered], [Client.MarkForwarded]). A Client remembers the selected mailbox so a [Pool] can lend
//     it again without selecting again; a [Watcher] tells subscribers when
//     a user's INBOX changes, from one connection per user (IDLE, or
//     polling where the server has no IDLE).
//   - Routing: a [Router] resolves a login to its IMAP and SMTP
//     [Endpoint]s, from URL templates and per-domain rows.
//
// Subpackages hold what is not IMAP; the first two import nothing from
// here, and [github.com/webmail/webmail/mail/submit] (SMTP submission
// with go-smtp) only the [Endpoint] type:
//
//   - [github.com/webmail/webmail/mail/mime] parses messages (tolerantly:
//     it never gives up on malformed mail) and is where MIME building
//     lives. This package uses its header reader for the headers it
//     fetches, so lists, threads and streamed parts agree with the parsed
//     message.
//   - [github.com/webmail/webmail/mail/htmlsafe] makes message HTML safe
//     to show and plain text clickable.
package mail
