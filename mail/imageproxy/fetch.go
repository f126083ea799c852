package imageproxy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"time"
)

// Defaults of Options.
const (
	DefaultMaxBytes     = 10 << 20
	DefaultTimeout      = 10 * time.Second
	DefaultMaxRedirects = 3
	// DefaultMaxConcurrent bounds the fetches in progress, and with
	// MaxBytes the memory they hold: 16 × 10 MiB.
	DefaultMaxConcurrent = 16
)

// Errors of Fetch. Every one means "no image": the proxy answers the same
// for all of them, so it cannot be used to probe what answers where.
var (
	ErrURL         = errors.New("imageproxy: not an http or https URL with a host")
	ErrDestination = errors.New("imageproxy: destination not allowed")
	ErrTooLarge    = errors.New("imageproxy: image too large")
	ErrNotImage    = errors.New("imageproxy: not a raster image")
	ErrStatus      = errors.New("imageproxy: the server did not answer 200")
	ErrBusy        = errors.New("imageproxy: too many fetches in progress")
)

// Options configure a Fetcher; zero values take the defaults.
type Options struct {
	// Allow decides whether an address may be connected to; nil is
	// PublicOnly. Tests that fetch from a local server allow its address.
	Allow func(netip.Addr) bool
	// Resolve looks up a host's addresses; nil uses the system resolver.
	Resolve      func(ctx context.Context, host string) ([]netip.Addr, error)
	MaxBytes     int64         // largest image (DefaultMaxBytes)
	Timeout      time.Duration // for the whole fetch, redirects included (DefaultTimeout)
	MaxRedirects int           // redirects followed (DefaultMaxRedirects)
	// MaxConcurrent bounds the fetches in progress (DefaultMaxConcurrent);
	// more wait for a free slot as long as their context allows.
	MaxConcurrent int
}

// Fetcher fetches remote images. It is safe for concurrent use.
type Fetcher struct {
	opts   Options
	client *http.Client
	slots  chan struct{} // one token per fetch in progress
}

// Image is a fetched image.
type Image struct {
	ContentType string // the sniffed raster type, e.g. "image/png"
	Data        []byte
}

// New returns a Fetcher with opts.
func New(opts Options) *Fetcher {
	if opts.Allow == nil {
		opts.Allow = PublicOnly
	}
	if opts.Resolve == nil {
		opts.Resolve = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxRedirects <= 0 {
		opts.MaxRedirects = DefaultMaxRedirects
	}
	if opts.MaxConcurrent <= 0 {
		opts.MaxConcurrent = DefaultMaxConcurrent
	}
	f := &Fetcher{opts: opts, slots: make(chan struct{}, opts.MaxConcurrent)}
	transport := &http.Transport{
		// Never an environment proxy: it would make the destination
		// check meaningless (and reach whatever the proxy reaches).
		Proxy:                  nil,
		DialContext:            f.dial,
		TLSHandshakeTimeout:    5 * time.Second,
		ResponseHeaderTimeout:  opts.Timeout,
		MaxResponseHeaderBytes: 64 << 10,
		MaxIdleConns:           16,
		IdleConnTimeout:        30 * time.Second,
		DisableCompression:     true, // no decompression bomb: bytes on the wire are bytes counted
	}
	f.client = &http.Client{
		Transport: transport,
		Jar:       nil, // no cookies, ever
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > opts.MaxRedirects {
				return fmt.Errorf("imageproxy: more than %d redirects", opts.MaxRedirects)
			}
			if err := checkURL(req.URL); err != nil {
				return err
			}
			// net/http copies the previous URL into Referer; the image's
			// server learns nothing of where it was linked from.
			req.Header.Del("Referer")
			return nil
		},
	}
	return f
}

// checkURL allows http and https URLs with a host and no user info.
func checkURL(u *url.URL) error {
	if (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil {
		return ErrURL
	}
	return nil
}

// dial resolves the host, keeps the addresses the policy allows, and
// connects to one of them: the address checked is the address used.
func (f *Fetcher) dial(ctx context.Context, network, hostport string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return nil, fmt.Errorf("imageproxy: %w", err)
	}
	var addrs []netip.Addr
	if literal, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{literal}
	} else if addrs, err = f.opts.Resolve(ctx, host); err != nil {
		return nil, fmt.Errorf("imageproxy: resolve %s: %w", host, err)
	}
	var dialer net.Dialer
	lastErr := error(ErrDestination)
	for _, addr := range addrs {
		if !f.opts.Allow(addr.Unmap()) {
			continue
		}
		conn, err := dialer.DialContext(ctx, network, net.JoinHostPort(addr.Unmap().String(), port))
		if err == nil {
			return conn, nil
		}
		lastErr = err
	}
	return nil, fmt.Errorf("imageproxy: %s: %w", host, lastErr)
}

// Fetch fetches the image at rawURL.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (Image, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return Image{}, ErrURL
	}
	if err := checkURL(u); err != nil {
		return Image{}, err
	}
	select {
	case f.slots <- struct{}{}:
		defer func() { <-f.slots }()
	case <-ctx.Done():
		return Image{}, fmt.Errorf("%w: %w", ErrBusy, ctx.Err())
	}
	ctx, cancel := context.WithTimeout(ctx, f.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Image{}, ErrURL
	}
	req.Header.Set("User-Agent", "webmail-image-proxy")
	req.Header.Set("Accept", "image/avif,image/webp,image/png,image/jpeg,image/gif,image/bmp;q=0.9")
	resp, err := f.client.Do(req)
	if err != nil {
		return Image{}, fmt.Errorf("imageproxy: fetch: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Image{}, fmt.Errorf("%w: %d", ErrStatus, resp.StatusCode)
	}
	if n, err := strconv.ParseInt(resp.Header.Get("Content-Length"), 10, 64); err == nil && n > f.opts.MaxBytes {
		return Image{}, ErrTooLarge
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, f.opts.MaxBytes+1))
	if err != nil {
		return Image{}, fmt.Errorf("imageproxy: read: %w", err)
	}
	if int64(len(data)) > f.opts.MaxBytes {
		return Image{}, ErrTooLarge
	}
	contentType := RasterType(data)
	if contentType == "" {
		return Image{}, ErrNotImage
	}
	return Image{ContentType: contentType, Data: data}, nil
}

// RasterType returns the type of a raster image judged by its bytes, or
// "" for anything else (SVG, HTML, scripts, unknown formats), whatever
// the server declared.
func RasterType(data []byte) string {
	switch sniffed := http.DetectContentType(data); sniffed {
	case "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp":
		return sniffed
	}
	// AVIF: an ISO BMFF file whose major brand is avif or avis;
	// http.DetectContentType does not know it.
	if len(data) >= 12 && bytes.Equal(data[4:8], []byte("ftyp")) &&
		(bytes.Equal(data[8:12], []byte("avif")) || bytes.Equal(data[8:12], []byte("avis"))) {
		return "image/avif"
	}
	return ""
}
