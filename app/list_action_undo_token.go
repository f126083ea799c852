package app

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/webmail/webmail/i18n"
)

// UndoWindow is how long after an action its undo token is accepted. The
// page offers the undo for a few seconds; the token lives longer so a
// page without scripts, whose notice stays until the next page, can
// still use it, but not so long that it moves back messages the user has
// since forgotten about.
const UndoWindow = 5 * time.Minute

// undoSkew tolerates instances whose clocks disagree a little.
const undoSkew = time.Minute

// undoPurpose separates undo tokens' signatures from every other use of
// the cluster key.
const undoPurpose = "list action undo v1"

// undoTicket is what an undo token says: the messages an action moved,
// where they are now, and how to put them back. Instances keep nothing:
// the token, signed with the cluster key and bound to the user, is the
// whole state, so any instance can undo what another one did.
type undoTicket struct {
	Expires int64      `json:"e"` // Unix seconds
	Message string     `json:"m"` // what the action did, for the notice offering the undo
	Moves   []undoMove `json:"v"`
}

// undoMove is one folder's share of an action: the messages that went
// from From to To.
type undoMove struct {
	From     string      `json:"f"`
	To       string      `json:"t"`
	Validity uint32      `json:"u"` // To's UIDVALIDITY when they arrived: UIDs mean nothing under another
	UIDs     string      `json:"i"` // their UIDs in To, as an IMAP set ("7:9,12")
	Added    []undoFlags `json:"a,omitempty"`
	Removed  []undoFlags `json:"r,omitempty"`
}

// undoFlags is a flag the action added to (or removed from) the messages
// UIDs (in To), those that did not have it (or had it) before: undo
// takes it back from exactly those.
type undoFlags struct {
	Flag string `json:"f"`
	UIDs string `json:"i"`
}

// signUndo makes the token for t, for user: the ticket as JSON, then its
// MAC over the user and the ticket, both base64url.
func (a *App) signUndo(user string, t undoTicket) string {
	if a.Sessions == nil {
		return ""
	}
	body, err := json.Marshal(t)
	if err != nil {
		return "" // plain strings and numbers: cannot happen
	}
	mac := a.Sessions.MAC(undoPurpose, undoSigned(user, body))
	return base64.RawURLEncoding.EncodeToString(body) + "." + base64.RawURLEncoding.EncodeToString(mac)
}

// openUndo checks token for user at now and returns its ticket. A token
// of another user, a changed one, or one from before the window is
// refused with a message the user reads.
func (a *App) openUndo(user, token string, now time.Time) (undoTicket, error) {
	refused := undoRefused()
	var t undoTicket
	body64, mac64, ok := strings.Cut(token, ".")
	if !ok || a.Sessions == nil {
		return t, refused
	}
	body, err1 := base64.RawURLEncoding.DecodeString(body64)
	mac, err2 := base64.RawURLEncoding.DecodeString(mac64)
	if err1 != nil || err2 != nil || !a.Sessions.ValidMAC(undoPurpose, undoSigned(user, body), mac) {
		return t, refused
	}
	if err := json.Unmarshal(body, &t); err != nil || len(t.Moves) == 0 {
		return t, refused
	}
	expires := time.Unix(t.Expires, 0)
	if now.After(expires.Add(undoSkew)) {
		return t, Invalid(i18n.Mark("Too late to undo"), i18n.Mark("It is too late to undo that: an action can be undone for 5 minutes. Move the messages back yourself."))
	}
	return t, nil
}

// undoRefused is the refusal of a token that is not good here: changed,
// another user's, or naming what cannot be read.
func undoRefused() error {
	return Invalid(i18n.Mark("Cannot undo"), i18n.Mark("This action cannot be undone from here any more."))
}

// undoSigned is what the MAC covers: the user, so a token copied into
// another account is worthless, then the ticket.
func undoSigned(user string, body []byte) []byte {
	return append([]byte(user+"\x00"), body...)
}

// formatUIDs writes uids as a compact IMAP set: sorted, runs as ranges.
func formatUIDs(uids []uint32) string {
	sorted := slices.Clone(uids)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	var b strings.Builder
	for i := 0; i < len(sorted); {
		j := i
		for j+1 < len(sorted) && sorted[j+1] == sorted[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatUint(uint64(sorted[i]), 10))
		if j > i {
			b.WriteByte(':')
			b.WriteString(strconv.FormatUint(uint64(sorted[j]), 10))
		}
		i = j + 1
	}
	return b.String()
}

// parseUIDs reads formatUIDs' sets. The token is signed, so the set is
// ours; the bound still keeps a mistake from listing billions of UIDs.
func parseUIDs(set string) ([]uint32, bool) {
	var uids []uint32
	for _, part := range strings.Split(set, ",") {
		lo, hi, isRange := strings.Cut(part, ":")
		start, err := strconv.ParseUint(lo, 10, 32)
		if err != nil || start == 0 {
			return nil, false
		}
		stop := start
		if isRange {
			if stop, err = strconv.ParseUint(hi, 10, 32); err != nil || stop < start {
				return nil, false
			}
		}
		if uint64(len(uids))+stop-start >= MaxSelection {
			return nil, false
		}
		for uid := start; uid <= stop; uid++ {
			uids = append(uids, uint32(uid))
		}
	}
	return uids, len(uids) > 0
}
