package htmlsafe

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
)

// Options controls Sanitize.
type Options struct {
	// AllowRemote keeps remote images and CSS backgrounds. Off by default:
	// remote content tells the sender when and where a message was read.
	AllowRemote bool
	// RemoteURL maps a remote resource's URL, once AllowRemote kept it, to
	// the URL the document loads instead: our image proxy, so the sender
	// learns nothing of the reader and the body's CSP allows no other
	// origin. nil keeps remote URLs as they are; an empty result drops one.
	RemoteURL func(remote string) string
	// CIDURL maps a Content-ID (from a "cid:" reference, without the
	// scheme) to a URL of our own that serves that part. nil, or an empty
	// result, drops the reference.
	CIDURL func(cid string) string
	// DropStyleBlocks leaves out the message's <style> blocks, for HTML
	// shown inside one of our own documents (the print view) rather than
	// in its own iframe: there a message's CSS could restyle or hide our
	// header lines and forge what a printout says.
	DropStyleBlocks bool
	// KeepMailto leaves mailto: links as they are. By default they become
	// links to the webmail's compose page (ComposeMailtoURL), so that a
	// click writes the mail here instead of starting another program.
	// HTML the user sends keeps them.
	KeepMailto bool
}

// ComposeMailtoURL is where a mailto: link in a message leads: the
// webmail's compose page, which reads the whole mailto: URL (RFC 6068)
// from its mailto parameter.
func ComposeMailtoURL(mailto string) string {
	return "/compose?mailto=" + url.QueryEscape(mailto)
}

// maxSanitizeInput bounds the HTML Sanitize reads; longer input is cut.
const maxSanitizeInput = 16 << 20

// Sanitize returns HTML that is safe to show inside a sandboxed iframe,
// and whether remote content was removed (so the UI can offer "show
// images").
//
// It works in two passes. The first, our own, walks the tokens and makes
// every decision that depends on opts or on CSS: cid: references are
// mapped with CIDURL, remote resources (img src and srcset, background
// attributes, CSS url() in style attributes and <style> blocks) are dropped
// unless opts.AllowRemote, style attributes and <style> blocks are filtered
// with a property allow-list (no escapes, expression(), @import, behaviors,
// bindings), links are limited to http, https, mailto and tel and get
// target="_blank" rel="noopener noreferrer", and <body> becomes a <div> so
// its colors survive. The second pass is a bluemonday allow-list policy
// tuned for mail (tables, layout attributes, fonts, images) that removes
// everything else: scripts, event handlers, forms and inputs, frames,
// objects and embeds, SVG, <meta>, <base>, <link>, comments. The filtered
// <style> blocks are put back in front of the result; they cannot contain
// "<", so they cannot end their element.
//
// Inline data: images (PNG, GIF, JPEG, WebP; not SVG) are kept, so the
// iframe's CSP needs img-src data: besides the origin of CIDURL's URLs.
// The iframe must still be sandboxed without allow-scripts and carry its
// own CSP: sanitizing is one layer, not the only one.
func Sanitize(html string, opts Options) (safe string, blockedRemote bool) {
	if len(html) > maxSanitizeInput {
		html = strings.ToValidUTF8(html[:maxSanitizeInput], "")
	}
	prep := &preparer{css: cssFilter{opts: opts}}
	prepared := prep.run(html)
	body := mailPolicy().Sanitize(prepared)
	styles := prep.styles.String()
	blocked := prep.css.blocked
	if styles == "" || strings.Contains(styles, "<") || opts.DropStyleBlocks {
		return body, blocked
	}
	return "<style>" + styles + "</style>" + body, blocked
}

var (
	blankTarget    = regexp.MustCompile(`^_blank$`)
	noopenerRel    = regexp.MustCompile(`^noopener noreferrer$`)
	htmlLength     = regexp.MustCompile(`^\s*[0-9]{1,5}(\.[0-9]{1,3})?\s*(%|px)?\s*$`)
	htmlColor      = regexp.MustCompile(`^\s*(#[0-9a-fA-F]{3,8}|[a-zA-Z]{1,30}|rgb\(\s*[0-9]{1,3}\s*,\s*[0-9]{1,3}\s*,\s*[0-9]{1,3}\s*\))\s*$`)
	htmlAlign      = regexp.MustCompile(`(?i)^\s*(left|right|center|justify|top|middle|bottom|baseline|absmiddle|absbottom|texttop|char)\s*$`)
	htmlWord       = regexp.MustCompile(`^[\p{L}\p{N}\s\-_',.:;]{0,200}$`)
	htmlTokens     = regexp.MustCompile(`^[a-zA-Z0-9\s\-_:.]{0,500}$`)
	htmlDirection  = regexp.MustCompile(`(?i)^\s*(ltr|rtl|auto)\s*$`)
	htmlSmallInt   = regexp.MustCompile(`^\s*[0-9]{1,4}\s*$`)
	htmlFontSize   = regexp.MustCompile(`^\s*[+-]?[0-7]\s*$`)
	htmlAnyText    = regexp.MustCompile(`^[^<>]{0,1000}$`)
	htmlListType   = regexp.MustCompile(`^\s*(1|a|A|i|I|disc|circle|square|none)\s*$`)
	htmlTableFrame = regexp.MustCompile(`(?i)^\s*(void|above|below|hsides|lhs|rhs|vsides|box|border|none|groups|rows|cols|all)\s*$`)
)

// mailPolicy builds the bluemonday policy. It is built per call (a few
// microseconds) rather than shared so the package keeps no state.
func mailPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.RequireParseableURLs(true)
	// Relative URLs only survive the first pass when CIDURL made them.
	p.AllowRelativeURLs(true)
	p.AllowURLSchemes("http", "https", "mailto", "tel")
	p.AllowDataURIImages()
	p.RequireNoReferrerOnLinks(true)

	p.AllowElements(
		"a", "abbr", "acronym", "address", "article", "aside", "b", "bdi", "bdo",
		"big", "blockquote", "br", "caption", "center", "cite", "code", "col",
		"colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em",
		"figcaption", "figure", "font", "footer", "h1", "h2", "h3", "h4", "h5",
		"h6", "header", "hgroup", "hr", "i", "img", "ins", "kbd", "li", "main",
		"mark", "nav", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp",
		"section", "small", "span", "strike", "strong", "sub", "summary", "sup",
		"table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "tt", "u",
		"ul", "var", "wbr",
	)

	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("name").Matching(htmlTokens).OnElements("a")
	p.AllowAttrs("target").Matching(blankTarget).OnElements("a")
	p.AllowAttrs("rel").Matching(noopenerRel).OnElements("a")
	p.AllowAttrs("src").OnElements("img")
	p.AllowAttrs("srcset").Matching(htmlAnyText).OnElements("img")
	p.AllowAttrs("alt").Matching(htmlAnyText).OnElements("img")
	p.AllowAttrs("hspace", "vspace").Matching(htmlSmallInt).OnElements("img")
	p.AllowAttrs("cite").OnElements("blockquote", "q", "del", "ins")
	p.AllowAttrs("type").Matching(htmlListType).OnElements("ol", "ul", "li")
	p.AllowAttrs("start").Matching(htmlSmallInt).OnElements("ol")
	p.AllowAttrs("value").Matching(htmlSmallInt).OnElements("li")
	p.AllowAttrs("open").OnElements("details")
	p.AllowAttrs("datetime").Matching(htmlAnyText).OnElements("time", "del", "ins")
	p.AllowAttrs("color").Matching(htmlColor).OnElements("font", "hr")
	p.AllowAttrs("face").Matching(htmlWord).OnElements("font")
	p.AllowAttrs("size").Matching(htmlFontSize).OnElements("font")
	p.AllowAttrs("size").Matching(htmlSmallInt).OnElements("hr")
	p.AllowAttrs("noshade").OnElements("hr")
	p.AllowAttrs("frame", "rules").Matching(htmlTableFrame).OnElements("table")
	p.AllowAttrs("cellpadding", "cellspacing").Matching(htmlSmallInt).OnElements("table")
	p.AllowAttrs("colspan", "rowspan").Matching(htmlSmallInt).OnElements("td", "th")
	p.AllowAttrs("span").Matching(htmlSmallInt).OnElements("col", "colgroup")
	p.AllowAttrs("nowrap").OnElements("td", "th")
	p.AllowAttrs("scope", "headers", "abbr").Matching(htmlTokens).OnElements("td", "th")
	p.AllowAttrs("summary").Matching(htmlAnyText).OnElements("table")

	p.AllowAttrs("width", "height").Matching(htmlLength).Globally()
	p.AllowAttrs("border").Matching(htmlSmallInt).Globally()
	p.AllowAttrs("align", "valign").Matching(htmlAlign).Globally()
	p.AllowAttrs("bgcolor").Matching(htmlColor).Globally()
	p.AllowAttrs("dir").Matching(htmlDirection).Globally()
	p.AllowAttrs("lang").Matching(htmlTokens).Globally()
	p.AllowAttrs("class", "id").Matching(htmlTokens).Globally()
	p.AllowAttrs("title").Matching(htmlAnyText).Globally()
	// The first pass already filtered these two: bluemonday has no CSS
	// filter of ours and does not check background URLs.
	p.AllowAttrs("style").Globally()
	p.AllowAttrs("background").Globally()
	return p
}
