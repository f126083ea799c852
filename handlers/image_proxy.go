package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/app"
)

// proxyImage serves a remote image of a message body at
// /proxy/image?url={remote}&sig={signature}: only URLs a sanitized body
// of ours was given pass, and only raster images come back (see
// app.ProxyImage). The answer can never run: nosniff, a sandboxing CSP,
// and a type from the bytes, not from the remote server.
func (s *Server) proxyImage(c echo.Context) error {
	img, err := s.App.ProxyImage(c.Request().Context(), app.ProxyImageInput{URL: c.QueryParam("url"), Sig: c.QueryParam("sig")})
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", "inline")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	return c.Blob(http.StatusOK, img.ContentType, img.Data)
}
