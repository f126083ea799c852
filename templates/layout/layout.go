// Package layout is the frame every page is drawn in.
package layout

import (
	"context"
	"io"

	"github.com/a-h/templ"

	"github.com/webmail/webmail/templates/components"
)

// Frame is what the layout needs from every page.
type Frame struct {
	Title   string   // page title, without the product name
	CSSURLs []string // hashed URLs of the stylesheets, in order
	JSURLs  []string // hashed URLs of the scripts (deferred), in order
	IconURL string   // hashed URL of the favicon
	User    string   // logged-in user, "" on the login page
	CSRF    string   // anti-forgery token for the logout form
	// Theme ("auto", "light" or "dark") and Density ("comfortable" or
	// "compact") go on <html> as data-theme and data-density, where the
	// stylesheets pick them up; "" leaves the attribute out (auto and
	// comfortable).
	Theme   string
	Density string
	// Quota is the mailbox quota for the folder tree (Base hands it to
	// the page's components); zero when there is none to show.
	Quota components.Quota
	// Notifications is whether the user asked for desktop notifications
	// of new mail (events.js reads it from <body data-notifications>).
	Notifications bool
	// SendNotices are messages the mail server refused, not yet
	// dismissed: a banner each on every page.
	SendNotices []SendNotice
	// Undo offers to undo the action the previous request did (a move,
	// archive, delete or junk posted as a form); nil when there is none.
	Undo *UndoOffer
}

// withQuota renders its children with the quota in the context, where the
// folder tree (components.FolderTree) finds it.
func withQuota(q components.Quota) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		children := templ.GetChildren(ctx)
		return children.Render(components.WithQuota(templ.ClearChildren(ctx), q), w)
	})
}
