package handlers

import (
	"net/http"
	"net/netip"

	"github.com/labstack/echo/v4"
)

// proxyTrust is the trusted-proxy list with the client IP extractor built
// from it; SetTrustedProxies swaps both at once.
type proxyTrust struct {
	prefixes []netip.Prefix
	extract  echo.IPExtractor
}

// SetTrustedProxies replaces the proxies whose X-Forwarded-For and
// X-Forwarded-Proto are believed (on SIGHUP).
func (s *Server) SetTrustedProxies(prefixes []netip.Prefix) {
	s.proxyTrust.Store(&proxyTrust{prefixes: prefixes, extract: clientIPExtractor(prefixes)})
}

// trustedProxies returns the current trusted-proxy list.
func (s *Server) trustedProxies() []netip.Prefix { return s.proxyTrust.Load().prefixes }

// extractIP is echo's IPExtractor, following the current list.
func (s *Server) extractIP(r *http.Request) string { return s.proxyTrust.Load().extract(r) }
