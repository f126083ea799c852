package htmlsafe

import "strings"

// unprefixCSS removes a vendor prefix so -webkit-border-radius is checked
// as border-radius.
func unprefixCSS(prop string) string {
	for _, prefix := range []string{"-webkit-", "-moz-", "-ms-", "-o-"} {
		if strings.HasPrefix(prop, prefix) {
			return prop[len(prefix):]
		}
	}
	return prop
}

// allowedCSSProperty is the allow-list of properties mail layouts need.
// Absent on purpose: position, z-index and friends (a message could cover
// the page it is shown in), behavior, -moz-binding, content, cursor,
// custom properties, and anything that loads fonts.
func allowedCSSProperty(prop string) bool {
	switch prop {
	case "color", "background", "background-color", "background-image",
		"background-position", "background-repeat", "background-size",
		"border", "border-top", "border-right", "border-bottom", "border-left",
		"border-color", "border-style", "border-width", "border-collapse",
		"border-spacing", "border-radius", "border-top-color", "border-right-color",
		"border-bottom-color", "border-left-color", "border-top-style",
		"border-right-style", "border-bottom-style", "border-left-style",
		"border-top-width", "border-right-width", "border-bottom-width",
		"border-left-width", "border-top-left-radius", "border-top-right-radius",
		"border-bottom-left-radius", "border-bottom-right-radius",
		"box-sizing", "box-shadow", "caption-side", "clear", "direction", "display",
		"empty-cells", "float", "font", "font-family", "font-size", "font-style",
		"font-variant", "font-weight", "height", "letter-spacing", "line-height",
		"list-style", "list-style-position", "list-style-type", "margin",
		"margin-top", "margin-right", "margin-bottom", "margin-left",
		"max-height", "max-width", "min-height", "min-width", "opacity",
		"outline", "overflow", "overflow-x", "overflow-y", "overflow-wrap",
		"padding", "padding-top", "padding-right", "padding-bottom", "padding-left",
		"table-layout", "text-align", "text-decoration", "text-decoration-color",
		"text-decoration-line", "text-decoration-style", "text-indent",
		"text-shadow", "text-transform", "unicode-bidi", "vertical-align",
		"visibility", "white-space", "width", "word-break", "word-spacing",
		"word-wrap", "hyphens", "text-overflow", "text-size-adjust":
		return true
	}
	return false
}
