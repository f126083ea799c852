// Package static holds the CSS, JavaScript and icons, embedded in the binary
// and served under content-hashed names with a long cache lifetime, so a new
// release is never mixed with a browser's cached old assets.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed files
var files embed.FS

// Assets maps asset names to their hashed URLs and serves them.
type Assets struct {
	byName map[string]string // "app.css" -> "app.3f2a9c1b.css"
	byHash map[string]asset  // "app.3f2a9c1b.css" -> content
}

type asset struct {
	body        []byte
	contentType string
}

// New hashes every embedded file.
func New() (*Assets, error) {
	a := &Assets{byName: map[string]string{}, byHash: map[string]asset{}}
	err := fs.WalkDir(files, "files", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "files/")
		sum := sha256.Sum256(body)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		ct := mime.TypeByExtension(ext)
		if ct == "" {
			ct = "application/octet-stream"
		}
		a.byName[name] = hashed
		a.byHash[hashed] = asset{body: body, contentType: ct}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static: %w", err)
	}
	return a, nil
}

// Path returns the URL of the named asset ("app.css"). It panics on an
// unknown name: that is a programming error caught by any test rendering a
// page.
func (a *Assets) Path(name string) string {
	hashed, ok := a.byName[name]
	if !ok {
		panic("static: unknown asset " + name)
	}
	return "/static/" + hashed
}

// ServeHTTP serves /static/<hashed name>. Hashed names never change content,
// so they are cached for a year.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	as, ok := a.byHash[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", as.contentType)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(as.body)
}
