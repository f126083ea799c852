// Package submit hands finished messages to the user's SMTP submission
// server with go-smtp: [Submit] sends one message to its recipients in one
// transaction, and [MaxSize] reads the size limit the server advertises so
// an upload can be refused before it starts.
//
// Every failure is an [*Error] that says whether trying again later can
// help ([Error.Temporary]: the network, a stopped server, a 4xx reply) or
// not (a 5xx reply, a wrong password, an address the server refuses), and
// carries the server's reply code and text, trimmed and cleaned so that it
// can be shown to the user. The outbox keeps a message on a temporary
// error and gives it back to the user on a permanent one.
//
// Connection security follows the endpoint exactly as the IMAP side does
// (mail.DialIMAP): smtps:// is TLS from the first byte, smtp+starttls://
// must upgrade with STARTTLS before anything else (a server that does not
// offer it is an error, never a silent downgrade), and smtp:// is plain
// text, the administrator's explicit choice for loopback or trusted
// networks, where the password is sent as configured.
package submit
