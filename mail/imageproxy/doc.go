// Package imageproxy fetches the remote images of mail on the reader's
// behalf, so that showing them tells the sender neither the reader's
// address nor anything a browser would send (cookies, referrer), and so
// that a URL in a mail cannot make us reach a host inside our network.
//
// A Fetcher takes http and https URLs only; resolves the host itself and
// refuses a destination its policy rejects (by default PublicOnly: no
// loopback, private, link-local, unique-local, shared, reserved or
// multicast address), then connects to the very address it checked, so a
// second DNS answer (rebinding) cannot send it elsewhere; follows at most
// a few redirects, each checked the same way; sends no cookie and no
// Referer; gives up after a timeout; reads at most MaxBytes; and returns
// only raster images, judged by their bytes (PNG, JPEG, GIF, WebP, BMP,
// AVIF), never SVG or anything a browser could run.
package imageproxy
