package components

import (
	"slices"
	"testing"
)

func TestSidebarFolders(t *testing.T) {
	tree := func(subscribed ...string) []Folder {
		folders := []Folder{
			{Name: "Inbox", Special: "inbox"},
			{Name: "Trash", Special: "trash"},
			{Name: "Lists", NoSelect: true},
			{Name: "go", Depth: 1},
			{Name: "nuts", Depth: 2},
			{Name: "Work"},
			{Name: "Old", Depth: 1},
			{Name: "Zeta"},
		}
		for i := range folders {
			folders[i].Subscribed = slices.Contains(subscribed, folders[i].Name)
		}
		return folders
	}
	names := func(folders []Folder) []string {
		var out []string
		for _, f := range folders {
			out = append(out, f.Name)
		}
		return out
	}
	all := names(tree())
	tests := []struct {
		name    string
		folders []Folder
		want    []string
	}{
		{"nothing subscribed shows all", tree(), all},
		{"everything subscribed", tree(all...), all},
		{"inbox and special-use always", tree("Zeta"), []string{"Inbox", "Trash", "Zeta"}},
		{"parents of a subscribed folder stay", tree("nuts"), []string{"Inbox", "Trash", "Lists", "go", "nuts"}},
		{"a parent without its children", tree("Work"), []string{"Inbox", "Trash", "Work"}},
		{"only special-use subscribed hides the rest", tree("Trash"), []string{"Inbox", "Trash"}},
	}
	for _, tt := range tests {
		if got := names(sidebarFolders(tt.folders)); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	open := tree("Zeta")
	open[6].Current = true // Work/Old, not subscribed: shown while open, with its parent
	if got, want := names(sidebarFolders(open)), []string{"Inbox", "Trash", "Work", "Old", "Zeta"}; !slices.Equal(got, want) {
		t.Errorf("open unsubscribed folder: %q, want %q", got, want)
	}
}
