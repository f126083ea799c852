package webdavstore_test

import (
	"net/http/httptest"
	"testing"

	"golang.org/x/net/webdav"

	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/attachments/attachmentstest"

	"example.com/webdavstore/webdavstore"
)

// TestConformance runs the webmail's conformance suite against a real
// WebDAV server (golang.org/x/net/webdav over a temporary directory),
// opened by name the way the webmail opens it.
func TestConformance(t *testing.T) {
	dav := httptest.NewServer(&webdav.Handler{FileSystem: webdav.Dir(t.TempDir()), LockSystem: webdav.NewMemLS()})
	t.Cleanup(dav.Close)
	attachmentstest.Run(t, func(t *testing.T) attachments.Store {
		store, err := attachments.Open(t.Context(), "webdav", attachments.Config{Settings: map[string]string{"url": dav.URL + "/"}})
		if err != nil {
			t.Fatal(err)
		}
		return store
	})
}

var _ attachments.Store = (*webdavstore.Store)(nil)
