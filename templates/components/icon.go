package components

import "context"

type iconSpriteKey struct{}

// WithIconSprite returns ctx carrying the URL of the icon sprite (the
// fingerprinted static/files/vendor/lucide-static/sprite.svg), which Icon
// draws from. The handlers put it into every request's context, so a
// component deep in a page or a fragment needs no extra parameter.
func WithIconSprite(ctx context.Context, url string) context.Context {
	return context.WithValue(ctx, iconSpriteKey{}, url)
}

// iconHref is the reference to icon name in the sprite. Without a sprite
// in ctx (a test rendering a lone component) it points into the page
// itself, which has no such symbol: the icon is blank, nothing breaks.
func iconHref(ctx context.Context, name string) string {
	url, _ := ctx.Value(iconSpriteKey{}).(string)
	return url + "#" + name
}
