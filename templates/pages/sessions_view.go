package pages

import "github.com/webmail/webmail/templates/layout"

// SessionsView is the sessions page (/settings/sessions): the user's
// signed-in browsers, this one first.
type SessionsView struct {
	Frame    layout.Frame
	Status   string // what the last change did
	Sessions []SessionRow
	Others   bool // whether any session but this one is listed
}

// SessionRow is one session on the sessions page. Times come formatted:
// the relative one to read, the exact one for a title and <time>.
type SessionRow struct {
	Device        string // "Unknown device" when the session does not say
	LoginIP       string // "" when unknown
	LastIP        string // "" when unknown
	LastSeen      string // relative: "3 minutes ago"
	LastSeenExact string // "Mon, 7 Dec 2026 20:31 +0000"
	LastSeenISO   string // for <time datetime>
	Created       string // exact
	CreatedISO    string
	Current       bool
	EndURL        string // the POST that ends it; "" for the current one
}
