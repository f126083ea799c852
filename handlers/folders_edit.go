package handlers

import (
	"github.com/webmail/webmail/app"
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
func folderStatus(done string) string {
	switch done {
	case "created":
		return "Folder created."
	case "renamed":
		return "Folder renamed."
	case "moved":
		return "Folder moved."
	case "unchanged":
		return "Nothing changed."
	case "deleted":
		return "Folder deleted."
	case "subscribed":
		return "Subscribed to the folder."
	case "unsubscribed":
		return "Unsubscribed from the folder."
	}
	return ""
}
