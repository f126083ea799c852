package session

import (
	"net/netip"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Client is the browser behind a request, as the user's list of sessions
// shows it: what it said it was and where it came from.
type Client struct {
	// IP is the client's address, as the instance sees it behind its
	// trusted proxies. Anything that is not an IP address is dropped.
	IP string
	// UserAgent is the User-Agent header, raw; a session keeps only a
	// short description of it (DescribeUserAgent).
	UserAgent string
}

// maxDeviceLen bounds a device description in bytes: the header is the
// client's to choose, and it is shown on a page and kept in every record.
const maxDeviceLen = 64

// maxUserAgentScan is how much of a User-Agent header is looked at.
const maxUserAgentScan = 512

// cleanIP returns ip in its canonical form, or "" when it is no IP
// address: a session record keeps nothing else a client could have put
// there.
func cleanIP(ip string) string {
	addr, err := netip.ParseAddr(strings.TrimSpace(ip))
	if err != nil {
		return ""
	}
	return addr.Unmap().WithZone("").String()
}

// browserMarks and systemMarks name browsers and systems by a token of
// their User-Agent, most specific first: Edge and Opera also say Chrome,
// Chrome also says Safari, iOS also says Mac OS X, Android also says Linux.
var (
	browserMarks = []struct{ token, name string }{
		{"Edg/", "Edge"}, {"EdgA/", "Edge"}, {"EdgiOS/", "Edge"},
		{"OPR/", "Opera"}, {"Opera", "Opera"},
		{"SamsungBrowser/", "Samsung Internet"},
		{"Vivaldi/", "Vivaldi"},
		{"Firefox/", "Firefox"}, {"FxiOS/", "Firefox"},
		{"CriOS/", "Chrome"}, {"Chromium/", "Chromium"}, {"Chrome/", "Chrome"},
		{"Thunderbird/", "Thunderbird"},
		{"Trident/", "Internet Explorer"}, {"MSIE ", "Internet Explorer"},
		{"Version/", "Safari"}, // with Safari/, checked below
	}
	systemMarks = []struct{ token, name string }{
		{"iPhone", "iPhone"}, {"iPad", "iPad"}, {"iPod", "iPod"},
		{"Android", "Android"}, {"CrOS", "ChromeOS"},
		{"Windows", "Windows"}, {"Macintosh", "macOS"}, {"Mac OS X", "macOS"},
		{"FreeBSD", "FreeBSD"}, {"OpenBSD", "OpenBSD"}, {"NetBSD", "NetBSD"},
		{"Linux", "Linux"}, {"X11", "Unix"},
	}
)

// DescribeUserAgent is a short description of the browser a User-Agent
// header names, such as "Chrome on Linux", for people to recognise their
// own devices in a list; "" for an empty header. A header that names no
// browser or system known here is described by its first word
// ("curl/8.5.0"), without control characters and at most 64 bytes.
func DescribeUserAgent(ua string) string {
	if len(ua) > maxUserAgentScan {
		ua = ua[:maxUserAgentScan]
	}
	browser, system := "", ""
	for _, m := range browserMarks {
		if strings.Contains(ua, m.token) && (m.name != "Safari" || strings.Contains(ua, "Safari/")) {
			browser = m.name
			break
		}
	}
	for _, m := range systemMarks {
		if strings.Contains(ua, m.token) {
			system = m.name
			break
		}
	}
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	case system != "":
		return "A browser on " + system
	}
	first, _, _ := strings.Cut(printable(ua), " ")
	return capBytes(first, maxDeviceLen)
}

// printable drops control and other unprintable characters (and invalid
// UTF-8) and trims spaces.
func printable(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			return -1
		}
		return r
	}, s))
}

// capBytes cuts s to at most n bytes, on a character boundary.
func capBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
