package handlers

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/static"
)

func TestCompressiblePage(t *testing.T) {
	for _, tc := range []struct {
		method, path, site string
		want               bool
	}{
		{"GET", "/mail/INBOX", "same-origin", true},
		{"GET", "/mail/INBOX", "none", true},
		{"GET", "/mail/INBOX/7/body", "same-origin", true},
		{"GET", "/mail/INBOX/7/part/2/view", "same-origin", true},
		{"GET", "/mail/INBOX", "cross-site", false}, // BREACH: no length oracle for other sites
		{"GET", "/mail/INBOX", "same-site", false},
		{"GET", "/mail/INBOX", "", false},
		{"POST", "/mail/INBOX/actions", "same-origin", false},
		{"GET", "/mail/INBOX/7/raw", "same-origin", false},
		{"GET", "/mail/INBOX/7/part/2", "same-origin", false},
		{"GET", "/events", "same-origin", false},
		{"GET", "/static/app.css", "same-origin", false}, // gzipAssets does those
	} {
		r := httptest.NewRequest(tc.method, tc.path, nil)
		if tc.site != "" {
			r.Header.Set("Sec-Fetch-Site", tc.site)
		}
		if got := compressiblePage(r); got != tc.want {
			t.Errorf("%s %s (Sec-Fetch-Site %q): compressible %v, want %v", tc.method, tc.path, tc.site, got, tc.want)
		}
	}
}

// TestCompressPages runs the middleware in echo: large text pages are
// gzipped (also when streamed with flushes), small ones, binary types and
// cross-site requests are not.
func TestCompressPages(t *testing.T) {
	page := "<!doctype html><title>t</title>" + strings.Repeat("<p>a row of the list</p>\n", 400)
	e := echo.New()
	e.Use(compressPages())
	e.GET("/page", func(c echo.Context) error { return c.HTML(http.StatusOK, page) })
	e.GET("/small", func(c echo.Context) error { return c.HTML(http.StatusOK, "<p>hi</p>") })
	e.GET("/png", func(c echo.Context) error { return c.Blob(http.StatusOK, "image/png", []byte(page)) })
	e.GET("/streamed", func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
		c.Response().WriteHeader(http.StatusOK)
		io.WriteString(c.Response(), "<!doctype html>")
		c.Response().Flush()
		io.WriteString(c.Response(), page[15:])
		return nil
	})
	e.GET("/redirect", func(c echo.Context) error { return c.Redirect(http.StatusSeeOther, "/page") })
	srv := httptest.NewServer(e)
	defer srv.Close()

	get := func(path, site string) (*http.Response, string) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		req.Header.Set("Sec-Fetch-Site", site)
		resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if body, err = io.ReadAll(zr); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
		}
		return resp, string(body)
	}
	for _, tc := range []struct {
		path, site string
		gzipped    bool
		want       string
		status     int
	}{
		{"/page", "same-origin", true, page, 200},
		{"/streamed", "same-origin", true, page, 200},
		{"/page", "cross-site", false, page, 200},
		{"/small", "same-origin", false, "<p>hi</p>", 200},
		{"/png", "same-origin", false, page, 200},
		{"/redirect", "same-origin", false, "", 303},
	} {
		resp, body := get(tc.path, tc.site)
		if got := resp.Header.Get("Content-Encoding") == "gzip"; got != tc.gzipped {
			t.Errorf("%s (%s): gzipped %v, want %v", tc.path, tc.site, got, tc.gzipped)
		}
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.path, resp.StatusCode, tc.status)
		}
		if tc.want != "" && body != tc.want {
			t.Errorf("%s: body differs after decoding (%d bytes, want %d)", tc.path, len(body), len(tc.want))
		}
	}
}

// TestGzipAssets checks that an asset is compressed once and served
// gzipped to browsers that accept it, plain to the others.
func TestGzipAssets(t *testing.T) {
	assets, err := static.New()
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	counting := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		assets.ServeHTTP(w, r)
	})
	h := newGzipAssets(counting)
	path := assets.Path("app.css")
	plain := httptest.NewRecorder()
	assets.ServeHTTP(plain, httptest.NewRequest("GET", path, nil))
	for i := 0; i < 3; i++ {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Accept-Encoding", "br, gzip")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Header().Get("Content-Encoding") != "gzip" {
			t.Fatalf("request %d: not gzipped (%v)", i, rec.Header())
		}
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(zr)
		if !bytes.Equal(body, plain.Body.Bytes()) {
			t.Fatal("the gzipped asset differs from the asset")
		}
		if rec.Header().Get("Cache-Control") == "" || rec.Header().Get("Content-Type") != plain.Header().Get("Content-Type") {
			t.Fatalf("headers lost: %v", rec.Header())
		}
	}
	if calls != 1 {
		t.Fatalf("the asset was rendered %d times for three gzipped requests, want once", calls)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	if rec.Header().Get("Content-Encoding") != "" || !bytes.Equal(rec.Body.Bytes(), plain.Body.Bytes()) {
		t.Fatal("a browser without gzip did not get the plain asset")
	}
}
