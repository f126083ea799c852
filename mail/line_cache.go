package mail

import "github.com/webmail/webmail/mail/mime"

// DefaultLineCacheBytes bounds an instance's cache of list lines: about
// 400 bytes a line, so 64 MiB holds some 160,000 lines (3,200 users'
// first pages).
const DefaultLineCacheBytes = 64 << 20

// lineCache keeps the list lines of messages, per user, mailbox,
// UIDVALIDITY and UID. A message's content never changes under its UID
// (RFC 9051 2.3.1.1), so the line's subject, addresses, date, size and
// paperclip are good for as long as the mailbox keeps its UIDVALIDITY; only
// its flags change. Each line carries the mailbox's HIGHESTMODSEQ under
// which its flags were last read: a list whose mailbox state still has
// that HIGHESTMODSEQ needs nothing from the server for it, an older one
// asks only for the flags changed since (FETCH FLAGS CHANGEDSINCE, RFC
// 7162), and without CONDSTORE the flags are fetched each time. Reading
// 50 lines' header fields and BODYSTRUCTURE was a fifth of the webmail's
// CPU on a list page, and most of Dovecot's.
//
// Losing the cache costs time, never correctness. Safe for concurrent use.
type lineCache struct {
	entries *lru[lineKey, cachedLine]
}

// lineKey names one message of one user's mailbox.
type lineKey struct {
	owner       string // endpoint and user, as listKey's
	mailbox     string
	uidValidity uint32
	uid         uint32
}

type cachedLine struct {
	line Summary
	// modSeq is the mailbox's HIGHESTMODSEQ when line's flags were known
	// to be current; 0 when unknown (no CONDSTORE).
	modSeq uint64
}

func newLineCache(maxBytes int) *lineCache {
	return &lineCache{entries: newLRU[lineKey, cachedLine](maxBytes)}
}

// get returns the line stored under key and the HIGHESTMODSEQ its flags
// are current at.
func (lc *lineCache) get(key lineKey) (line Summary, modSeq uint64, ok bool) {
	if lc == nil {
		return Summary{}, 0, false
	}
	e, ok := lc.entries.get(key, nil)
	return e.line, e.modSeq, ok
}

// put stores line with the HIGHESTMODSEQ its flags are current at,
// replacing what key held.
func (lc *lineCache) put(key lineKey, line Summary, modSeq uint64) {
	if lc == nil {
		return
	}
	lc.entries.put(key, cachedLine{line: line, modSeq: modSeq}, lineCost(key, line))
}

// confirm records that the line under key still had its flags at
// HIGHESTMODSEQ modSeq (a CHANGEDSINCE fetch did not name it), unless the
// entry was replaced meanwhile with another reading.
func (lc *lineCache) confirm(key lineKey, was, modSeq uint64) {
	if lc == nil {
		return
	}
	lc.entries.update(key, func(e *cachedLine) {
		if e.modSeq == was {
			e.modSeq = modSeq
		}
	})
}

// lineCost estimates the bytes a cached line holds: the entry, its key,
// the map slot and the strings. Lines share nothing with the IMAP reply
// they were parsed from (mime's parser copies).
func lineCost(key lineKey, s Summary) int {
	n := 320 + len(key.owner) + len(key.mailbox) + len(s.Subject)
	for _, list := range [][]mime.Address{s.From, s.To} {
		for _, a := range list {
			n += 32 + len(a.Name) + len(a.Email)
		}
	}
	if s.previewFrom != nil {
		n += 64
	}
	return n
}
