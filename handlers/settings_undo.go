package handlers

import (
	"context"
	"slices"
	"strconv"

	"github.com/webmail/webmail/i18n"
	"github.com/webmail/webmail/templates/pages"
)

// undoSendOffered are the undo-send delays the settings menu offers, in
// seconds; a value saved otherwise (a script, an older form) is added so
// the menu still shows what is in force.
var undoSendOffered = []int{0, 5, 10, 20, 30}

// undoSendChoices is the settings menu of undo-send delays.
func undoSendChoices(ctx context.Context, current string) []pages.SettingsChoice {
	offered := undoSendOffered
	if n, err := strconv.Atoi(current); err == nil && !slices.Contains(offered, n) {
		offered = append(slices.Clone(offered), n)
		slices.Sort(offered)
	}
	var out []pages.SettingsChoice
	for _, n := range offered {
		label := i18n.N(ctx, n, "%d second", "%d seconds", n)
		switch n {
		case 0:
			label = i18n.T(ctx, "No delay: send at once")
		case 10:
			label = i18n.T(ctx, "%s (default)", label)
		}
		out = append(out, pages.SettingsChoice{Value: strconv.Itoa(n), Label: label})
	}
	return out
}
