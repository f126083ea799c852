package handlers

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// Cross-site request forgery. An unsafe request (anything but GET, HEAD,
// OPTIONS) must pass two independent checks:
//
//  1. It comes from one of our own pages, as the browser tells: a same-origin
//     Origin header; where the browser sends none (or "null", which our own
//     Referrer-Policy: no-referrer makes browsers send on form posts), a
//     Sec-Fetch-Site of same-origin or none; where that is missing too, a
//     same-origin Referer. A request carrying none of the three comes from no
//     browser that could be made to forge it (every browser since 2020 sends
//     Origin on cross-site posts): it is left to the token alone, so scripts
//     and non-browser clients keep working.
//  2. It carries the right token, from the X-CSRF-Token header or the "csrf"
//     field of a form body, never the query string (URLs end up in logs and
//     Referer headers): the session's token once logged in, the signed
//     double-submit cookie before that (see loginCSRFToken).

// csrfCookie carries the anti-forgery token for visitors without a session
// (the login form). Over TLS it has the __Host- prefix, which the browser
// accepts only from this host with Secure and Path=/, so a sibling
// subdomain cannot plant one.
const (
	csrfCookie       = "webmail_csrf"
	secureCSRFCookie = "__Host-webmail_csrf"
)

// maxTokenBytes bounds a token read from a streamed multipart part.
const maxTokenBytes = 128

// checkCSRF refuses unsafe requests that fail either check above.
func (s *Server) checkCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		if why := s.crossOrigin(c); why != "" {
			return csrfRefused(errors.New("csrf: " + why))
		}
		sent, err := s.sentCSRFToken(c)
		if err != nil {
			return err
		}
		var want string
		if sess := currentSession(c); sess != nil {
			want = sess.CSRFToken
		} else if cookie, err := c.Cookie(s.csrfCookieName(c)); err == nil && s.Sessions.ValidLoginToken(cookie.Value) {
			want = cookie.Value
		}
		if want == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(want)) != 1 {
			return csrfRefused(errors.New("csrf: token missing or wrong"))
		}
		return next(c)
	}
}

func csrfRefused(err error) error {
	return &UserError{Status: http.StatusForbidden, Title: "Request refused",
		Message: "This form has expired or did not come from this site. Please go back, reload the page and try again.",
		Err:     err}
}

// crossOrigin returns why the request did not come from our own pages, or
// "" when it did or the browser said nothing either way.
func (s *Server) crossOrigin(c echo.Context) string {
	req := c.Request()
	own := s.ownOrigin(c)
	origin := req.Header.Get("Origin")
	if origin != "" && origin != "null" {
		if sameOrigin(origin, own) {
			return ""
		}
		return fmt.Sprintf("Origin %q is not this site (%s; behind a proxy, check WEBMAIL_TRUSTED_PROXIES and X-Forwarded-Proto)", origin, own)
	}
	switch site := req.Header.Get("Sec-Fetch-Site"); site {
	case "same-origin", "none":
		return ""
	case "":
	default:
		return "Sec-Fetch-Site: " + site
	}
	if referer := req.Header.Get("Referer"); referer != "" {
		if sameOrigin(referer, own) {
			return ""
		}
		return "Referer from another site"
	}
	if origin == "null" {
		// An opaque origin (a sandboxed frame, a data: URL) from a
		// browser that sends no fetch metadata: nothing vouches for it.
		return "Origin null without Sec-Fetch-Site"
	}
	return ""
}

// ownOrigin is this site's origin as the browser sees it: the scheme it
// used (TLS directly or, from a trusted proxy, X-Forwarded-Proto) and the
// host it addressed (Host or, from a trusted proxy, X-Forwarded-Host).
func (s *Server) ownOrigin(c echo.Context) string {
	req := c.Request()
	scheme := "http"
	if s.isTLS(c) {
		scheme = "https"
	}
	host := req.Host
	if s.fromTrustedProxy(req) {
		if forwarded := strings.TrimSpace(strings.Split(req.Header.Get("X-Forwarded-Host"), ",")[0]); forwarded != "" {
			host = forwarded
		}
	}
	return normalOrigin(scheme, host)
}

// sameOrigin reports whether the URL or origin u has origin own.
func sameOrigin(u, own string) bool {
	parsed, err := url.Parse(u)
	if err != nil || parsed.Scheme == "" || parsed.Host == "" || parsed.User != nil {
		return false
	}
	return normalOrigin(parsed.Scheme, parsed.Host) == own
}

// normalOrigin writes scheme://host in one form: lower case, without the
// scheme's default port.
func normalOrigin(scheme, host string) string {
	scheme, host = strings.ToLower(scheme), strings.ToLower(host)
	switch {
	case scheme == "https" && strings.HasSuffix(host, ":443"):
		host = strings.TrimSuffix(host, ":443")
	case scheme == "http" && strings.HasSuffix(host, ":80"):
		host = strings.TrimSuffix(host, ":80")
	}
	return scheme + "://" + host
}

// sentCSRFToken returns the token the request carries: the X-CSRF-Token
// header, else the form field "csrf" of the body. A form is parsed on the
// request handlers will see, so they reuse it and the body limit's cleanup
// removes any multipart file. On a streaming route the token must be the
// body's first multipart part, and the rest is left to the handler.
func (s *Server) sentCSRFToken(c echo.Context) (string, error) {
	req := c.Request()
	if token := req.Header.Get("X-CSRF-Token"); token != "" {
		return token, nil
	}
	mediaType, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
	if streaming, _ := c.Get(ctxStreamingBody).(bool); streaming {
		return leadingCSRFPart(c, mediaType)
	}
	switch mediaType {
	case "multipart/form-data":
		if err := req.ParseMultipartForm(s.MaxFormBytes); err != nil {
			return "", bodyError(err)
		}
	case "application/x-www-form-urlencoded":
		if err := req.ParseForm(); err != nil {
			return "", bodyError(err)
		}
	default:
		return "", nil
	}
	return req.PostForm.Get("csrf"), nil
}

// leadingCSRFPart reads the token from the first part of a streamed
// multipart body, which must be the field "csrf" (browsers send fields in
// document order: the form puts it first). The reader, now past it, is
// kept for the handler (uploadParts).
func leadingCSRFPart(c echo.Context, mediaType string) (string, error) {
	if mediaType != "multipart/form-data" {
		return "", nil
	}
	mr, err := c.Request().MultipartReader()
	if err != nil {
		return "", bodyError(err)
	}
	part, err := mr.NextPart()
	if err != nil {
		return "", bodyError(err)
	}
	defer part.Close()
	if part.FormName() != "csrf" || part.FileName() != "" {
		return "", nil
	}
	token, err := io.ReadAll(io.LimitReader(part, maxTokenBytes))
	if err != nil {
		return "", bodyError(err)
	}
	c.Set(ctxUploadParts, mr)
	return string(token), nil
}

// csrfCookieName is the login token cookie's name on this connection.
func (s *Server) csrfCookieName(c echo.Context) string {
	if s.isTLS(c) {
		return secureCSRFCookie
	}
	return csrfCookie
}

// loginCSRFToken returns the double-submit token for the login form,
// setting the cookie when the browser has no valid one. The token is signed
// with the cluster key (session.Manager.NewLoginToken): a value a client
// made up, or planted in the cookie, is refused.
func (s *Server) loginCSRFToken(c echo.Context) string {
	name := s.csrfCookieName(c)
	if cookie, err := c.Cookie(name); err == nil && s.Sessions.ValidLoginToken(cookie.Value) {
		return cookie.Value
	}
	token := s.Sessions.NewLoginToken()
	c.SetCookie(&http.Cookie{
		Name: name, Value: token, Path: "/", HttpOnly: true,
		Secure: s.isTLS(c), SameSite: http.SameSiteLaxMode,
	})
	return token
}
