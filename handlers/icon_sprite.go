package handlers

import (
	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/templates/components"
)

// iconSpriteAsset is the sprite of the icons the pages draw (see
// static/vendor.sh and static/icons.txt).
const iconSpriteAsset = "vendor/lucide-static/sprite.svg"

// withIconSprite puts the sprite's fingerprinted URL into the request's
// context, where components.Icon finds it: pages and fragments alike draw
// icons without passing the URL down.
func (s *Server) withIconSprite(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if isProbe(c) { // assets and probes draw no icons
			return next(c)
		}
		req := c.Request()
		c.SetRequest(req.WithContext(components.WithIconSprite(req.Context(), s.iconSprite)))
		return next(c)
	}
}
