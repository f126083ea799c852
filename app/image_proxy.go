package app

import (
	"context"
	"encoding/base64"
	"net/url"

	"github.com/webmail/webmail/mail/imageproxy"
)

// ImageProxyPath is where the image proxy answers: ImageProxyPath?url=U&sig=S.
const ImageProxyPath = "/proxy/image"

// imageProxyPurpose separates the proxy's signatures from every other use
// of the cluster key.
const imageProxyPurpose = "image proxy url"

// proxiedImageURL is the URL a message body loads a remote image from
// once remote content is allowed: our image proxy, with the remote URL
// signed by the cluster key so that the proxy fetches only what a
// sanitized body of ours asked for, never what a stranger puts in a link.
func (a *App) proxiedImageURL(remote string) string {
	if a.Sessions == nil {
		return ""
	}
	sig := base64.RawURLEncoding.EncodeToString(a.Sessions.MAC(imageProxyPurpose, []byte(remote)))
	return ImageProxyPath + "?url=" + url.QueryEscape(remote) + "&sig=" + sig
}

// ProxyImageInput is a request to the image proxy, as its URL carries it.
type ProxyImageInput struct {
	URL string // the remote image
	Sig string // proxiedImageURL's signature of URL
}

// ProxyImage fetches a remote image for a message body, if the URL is one
// a body of ours was given (its signature checks out): the sender's
// server sees our address, not the reader's, and no cookie or referrer;
// see package imageproxy for what it refuses. Any refusal is CodeNotFound,
// the same whatever went wrong, so the proxy tells nobody what answers
// where.
func (a *App) ProxyImage(ctx context.Context, in ProxyImageInput) (imageproxy.Image, error) {
	sig, err := base64.RawURLEncoding.DecodeString(in.Sig)
	if err != nil || a.Sessions == nil || !a.Sessions.ValidMAC(imageProxyPurpose, []byte(in.URL), sig) {
		return imageproxy.Image{}, &Error{Code: CodeNotFound, Title: "No image", Message: "This image is not available."}
	}
	img, err := a.Images.Fetch(ctx, in.URL)
	if err != nil {
		a.Logger.InfoContext(ctx, "image proxy: not served", "err", err)
		return imageproxy.Image{}, &Error{Code: CodeNotFound, Title: "No image", Message: "This image is not available.", Err: err}
	}
	return img, nil
}
