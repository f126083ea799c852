package handlers

import (
	"bytes"
	"github.com/klauspost/compress/gzip"
	"net/http"
	"strings"
	"sync"
)

// assetGzipMinLength is the smallest asset worth compressing.
const assetGzipMinLength = 1024

// gzipAssets serves the content-hashed assets gzipped to browsers that
// accept it. Each asset is compressed once, at the best level, on its
// first request, and kept: a hashed name never changes content, and the
// embedded set is small and fixed, so the work is done once per process
// instead of once per request. Assets hold nothing secret, so they are
// compressed whoever asks.
type gzipAssets struct {
	next http.Handler
	mu   sync.Mutex
	done map[string]*compressedAsset // by path; nil value: not worth it
}

type compressedAsset struct {
	header http.Header
	body   []byte
}

func newGzipAssets(next http.Handler) *gzipAssets {
	return &gzipAssets{next: next, done: map[string]*compressedAsset{}}
}

func (g *gzipAssets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Add("Vary", "Accept-Encoding")
	if !acceptsGzip(r) || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		g.next.ServeHTTP(w, r)
		return
	}
	g.mu.Lock()
	asset, known := g.done[r.URL.Path]
	g.mu.Unlock()
	if !known {
		asset = g.compress(r)
	}
	if asset == nil {
		g.next.ServeHTTP(w, r)
		return
	}
	for k, v := range asset.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Encoding", "gzip")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		w.Write(asset.body)
	}
}

// compress renders the asset once and keeps its gzipped form; nil when
// it is missing, small or not text.
func (g *gzipAssets) compress(r *http.Request) *compressedAsset {
	rec := &assetRecorder{header: http.Header{}, code: http.StatusOK}
	plain := r.Clone(r.Context())
	plain.Method = http.MethodGet
	plain.Header.Del("Accept-Encoding")
	g.next.ServeHTTP(rec, plain)
	if rec.code != http.StatusOK {
		return nil // a 404 is not remembered: the set of names stays bounded
	}
	var asset *compressedAsset
	if rec.body.Len() >= assetGzipMinLength && compressibleType(rec.header.Get("Content-Type")) {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(rec.body.Bytes())
		zw.Close()
		if buf.Len() < rec.body.Len() {
			header := rec.header.Clone()
			header.Del("Content-Length")
			asset = &compressedAsset{header: header, body: buf.Bytes()}
		}
	}
	g.mu.Lock()
	g.done[r.URL.Path] = asset
	g.mu.Unlock()
	return asset
}

func acceptsGzip(r *http.Request) bool {
	for _, enc := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(enc), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") && strings.ReplaceAll(params, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

func compressibleType(contentType string) bool {
	ct, _, _ := strings.Cut(contentType, ";")
	ct = strings.TrimSpace(strings.ToLower(ct))
	return strings.HasPrefix(ct, "text/") || ct == "application/javascript" || ct == "application/json" ||
		ct == "image/svg+xml" || ct == "application/xml"
}

// assetRecorder captures one asset response.
type assetRecorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (a *assetRecorder) Header() http.Header         { return a.header }
func (a *assetRecorder) WriteHeader(code int)        { a.code = code }
func (a *assetRecorder) Write(b []byte) (int, error) { return a.body.Write(b) }
