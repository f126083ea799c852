package handlers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/webmail/webmail/session"
)

// TestStreamingUploadRoute: a route given a larger limit with
// bodyLimits.allow takes a body over the form limit, streamed (the CSRF
// token from a leading multipart part or the header), and still stops at
// its own limit; the other routes keep the form limit.
func TestStreamingUploadRoute(t *testing.T) {
	const formLimit, uploadLimit = 64 << 10, 8 << 20
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	sealer, _ := session.NewSealer("handlers-test-secret-0123456789abcdef")
	s := &Server{Deps: Deps{Logger: slog.New(slog.DiscardHandler)},
		Sessions: session.NewManager(session.NewMemory(), sealer, time.Hour, time.Hour)}
	s.SetTrustedProxies(nil)
	e := echo.New()
	e.HTTPErrorHandler = func(err error, c echo.Context) {
		var ue *UserError
		if !errors.As(err, &ue) {
			ue = &UserError{Status: http.StatusInternalServerError}
		}
		c.String(ue.Status, ue.Title)
	}
	bodies := newBodyLimits(formLimit)
	signedIn := func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Set(ctxSession, &session.Session{User: "u@example.test", CSRFToken: "the-token"})
			return next(c)
		}
	}
	e.Use(bodies.middleware, signedIn, s.checkCSRF)
	upload := func(c echo.Context) error {
		mr, err := uploadParts(c)
		if err != nil {
			return err
		}
		var got []string
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return bodyError(err)
			}
			n, err := io.Copy(io.Discard, part)
			if err != nil {
				return bodyError(err)
			}
			got = append(got, fmt.Sprintf("%s=%d", part.FormName(), n))
		}
		return c.String(http.StatusOK, strings.Join(got, " "))
	}
	bodies.allow(e.POST("/upload", upload), uploadLimit)
	e.POST("/form", func(c echo.Context) error { return c.String(http.StatusOK, "form") })
	srv := httptest.NewServer(e)
	defer srv.Close()

	multipartBody := func(fields []string, fileSize int) (*bytes.Buffer, string) {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		for _, f := range fields {
			name, value, _ := strings.Cut(f, "=")
			w.WriteField(name, value)
		}
		fw, _ := w.CreateFormFile("file", "big.bin")
		fw.Write(bytes.Repeat([]byte("x"), fileSize))
		w.Close()
		return &buf, w.FormDataContentType()
	}
	cases := []struct {
		name     string
		path     string
		fields   []string
		header   string // X-CSRF-Token
		size     int
		chunked  bool
		status   int
		response string
	}{
		{"upload over the form limit", "/upload", []string{"csrf=the-token"}, "", 5 << 20, false, 200, "file=5242880"},
		{"upload, chunked", "/upload", []string{"csrf=the-token"}, "", 5 << 20, true, 200, "file=5242880"},
		{"upload, token in the header", "/upload", nil, "the-token", 1 << 20, false, 200, "file=1048576"},
		{"upload, token not the first part", "/upload", []string{"note=hi", "csrf=the-token"}, "", 1 << 10, false, 403, ""},
		{"upload, wrong token", "/upload", []string{"csrf=not-it"}, "", 1 << 10, false, 403, ""},
		{"upload over its own limit", "/upload", []string{"csrf=the-token"}, "", 9 << 20, false, 413, ""},
		{"upload over its own limit, chunked", "/upload", []string{"csrf=the-token"}, "", 9 << 20, true, 413, ""},
		{"form under its limit", "/form", []string{"csrf=the-token"}, "", 1 << 10, false, 200, "form"},
		{"form over its limit", "/form", []string{"csrf=the-token"}, "", 1 << 20, false, 413, ""},
		{"form over its limit, chunked", "/form", []string{"csrf=the-token"}, "", 1 << 20, true, 413, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body, contentType := multipartBody(tc.fields, tc.size)
			var reader io.Reader = body
			if tc.chunked {
				reader = io.MultiReader(body) // hides the length: sent chunked
			}
			req, _ := http.NewRequest(http.MethodPost, srv.URL+tc.path, reader)
			req.Header.Set("Content-Type", contentType)
			if tc.header != "" {
				req.Header.Set("X-CSRF-Token", tc.header)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || tc.response != "" && string(got) != tc.response {
				t.Fatalf("= %d %q, want %d %q", resp.StatusCode, got, tc.status, tc.response)
			}
			if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
				t.Fatalf("temp files left: %v", entries)
			}
		})
	}
}
