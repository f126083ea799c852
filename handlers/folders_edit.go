package handlers

import (
	"context"
	"github.com/webmail/webmail/app"
	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/templates/components"
	"github.com/webmail/webmail/templates/pages"
)

// folderEdit is the rename/move form of the folder called name, nil for
// none (or the Inbox, which stays). It offers every parent but the folder
// itself and the folders inside it.
func folderEdit(boxes []app.Mailbox, name string) *pages.FolderEdit {
	b, ok := app.FindFolder(boxes, name)
	if !ok || b.Name == "INBOX" {
		return nil
	}
	delim := app.FolderDelimiter(boxes)
	parent, leaf := app.SplitFolder(b.Name, delim)
	edit := &pages.FolderEdit{Name: b.Name, Leaf: leaf, Parent: parent, Special: b.SpecialUse}
	for _, p := range boxes {
		if p.Name != b.Name && !app.IsUnder(p.Name, b.Name, delim) {
			edit.Parents = append(edit.Parents, components.FolderOption{Value: p.Name, Label: app.FolderPath(p)})
		}
	}
	return edit
}

// folderStatus is the confirmation shown on /folders after a change, from
// its ?done= code; unknown codes show nothing.
func folderStatus(ctx context.Context, done string) string {
	switch done {
	case "created":
		return i18n.T(ctx, "Folder created.")
	case "renamed":
		return i18n.T(ctx, "Folder renamed.")
	case "moved":
		return i18n.T(ctx, "Folder moved.")
	case "unchanged":
		return i18n.T(ctx, "Nothing changed.")
	case "deleted":
		return i18n.T(ctx, "Folder deleted.")
	case "subscribed":
		return i18n.T(ctx, "Subscribed to the folder.")
	case "unsubscribed":
		return i18n.T(ctx, "Unsubscribed from the folder.")
	}
	return ""
}
