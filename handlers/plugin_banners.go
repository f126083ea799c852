package handlers

import (
	"github.com/webmail/webmail/plugins"
	"github.com/webmail/webmail/templates/pages"
)

// bannerItems are the plugins' banners for the message page.
func bannerItems(banners []plugins.PluginBanner) []pages.PluginBanner {
	out := make([]pages.PluginBanner, 0, len(banners))
	for _, b := range banners {
		out = append(out, pages.PluginBanner{Plugin: b.Plugin, Text: b.Text, Warning: b.Warning})
	}
	return out
}
