// Package demo is the built-in mail backend of `webmail demo`: an in-memory
// IMAP server (go-imap's imapmemserver) and an SMTP server (go-smtp) on
// loopback, sharing the same mailboxes, optionally filled with a few hundred
// realistic sample messages.
//
// A newcomer runs one command and reads mail in the browser; the same account
// also works from Thunderbird or any other IMAP client. Mail sent through the
// SMTP server to a configured user lands in that user's INBOX at once; mail
// to anyone else is accepted from authenticated users but never leaves the
// machine. Everything lives in memory and is seeded afresh at each start.
//
// The servers speak plain text (no TLS) and accept passwords over it, which
// is only acceptable because they listen on loopback by default and hold
// nothing but demo data.
package demo
