package handlers_test

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/webmail/webmail/internal/demo"
)

// TestSessionsLayout opens the sessions page, with another session from
// a long IPv6 address and an unknown long User-Agent, at a desktop and a
// phone width: the page never scrolls sideways and End stays on screen.
func TestSessionsLayout(t *testing.T) {
	f := newFixture(t)
	f.server.SetTrustedProxies([]netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")})
	signIn(t, f.http.URL, demo.DefaultUser, demo.DefaultPassword, "Some-Long-Unknown-Client-Name-Without-Spaces/"+strings.Repeat("9", 40), "2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff")
	b := newListBrowser(t)
	b.signIn(f.http.URL)
	b.do(chromedp.Navigate(f.http.URL+"/settings/sessions"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="session-end"]`)))
	for _, size := range []struct {
		name          string
		width, height int64
	}{{"desktop", 1440, 900}, {"phone", 390, 844}} {
		b.do(chromedp.EmulateViewport(size.width, size.height), chromedp.Sleep(200*time.Millisecond))
		if overflow := b.eval(`document.documentElement.scrollWidth - window.innerWidth`); overflow > 0 {
			t.Errorf("%s: the page scrolls sideways by %v px", size.name, overflow)
		}
		if right := b.eval(`document.querySelector('[data-testid="session-end"]').getBoundingClientRect().right`); right > float64(size.width) {
			t.Errorf("%s: End is off screen (right %v)", size.name, right)
		}
		b.screenshot("sessions-" + size.name)
	}
}
