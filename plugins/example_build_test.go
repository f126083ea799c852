package plugins_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/webdav"

	"github.com/webmail/webmail/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// goIn runs the go command in the example module, as PLUGINS.md tells a
// plugin author to.
func goIn(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	// The module's own go.sum must suffice: nothing is fetched or changed.
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=readonly", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
}

// TestExampleModule builds the out-of-tree example of PLUGINS.md with the
// doc's commands (its tests run attachmentstest against a WebDAV server),
// then starts the custom binary with WEBMAIL_ATTACHMENTS=webdav over a real
// WebDAV server and Dovecot/Postfix: it must come up ready and reach the
// WebDAV server.
func TestExampleModule(t *testing.T) {
	dir, err := filepath.Abs("example")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "webmail")
	// go.mod and go.sum are committed tidy. When the webmail's own
	// dependencies change, this fails: run `go mod tidy` in plugins/example.
	goIn(t, dir, "mod", "tidy", "-diff")
	goIn(t, dir, "vet", "./...")
	goIn(t, dir, "test", "-count=1", "./...")
	goIn(t, dir, "build", "-o", bin, "./cmd/webmail")

	var davRequests atomic.Int64
	davHandler := &webdav.Handler{FileSystem: webdav.Dir(t.TempDir()), LockSystem: webdav.NewMemLS()}
	dav := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		davRequests.Add(1)
		davHandler.ServeHTTP(w, r)
	}))
	t.Cleanup(dav.Close)
	mailEnv := testenv.NewMail(t)
	data := t.TempDir()
	env := append(os.Environ(),
		"WEBMAIL_DATA="+data,
		"WEBMAIL_IMAP=imap://"+mailEnv.IMAPAddr,
		"WEBMAIL_SMTP=smtp://"+mailEnv.SubmissionAddr,
		"WEBMAIL_SECRET=example-module-test-secret-0123456789",
		"WEBMAIL_METRICS_LISTEN=off",
		"WEBMAIL_ATTACHMENTS=webdav",
		"WEBMAIL_ATTACHMENTS_URL="+dav.URL+"/",
		// The shipped plugins are in a custom build too.
		"WEBMAIL_PLUGINS=status",
		"WEBMAIL_PLUGIN_STATUS_ADMINS=admin@example.test",
	)
	migrate := exec.Command(bin, "migrate")
	migrate.Env = env
	if out, err := migrate.CombinedOutput(); err != nil {
		t.Fatalf("webmail migrate: %v\n%s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	serve := exec.Command(bin, "serve")
	serve.Env = append(env, "WEBMAIL_LISTEN="+addr)
	logFile, err := os.Create(filepath.Join(t.TempDir(), "webmail.log"))
	if err != nil {
		t.Fatal(err)
	}
	serve.Stdout, serve.Stderr = logFile, logFile
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		serve.Process.Signal(os.Interrupt)
		serve.Wait()
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logFile.Name())
			t.Fatalf("the custom webmail did not become ready (last: %v)\n%s", err, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The instance pings its attachment store at start and every 2 s
	// (its dependency watch): the WebDAV server must hear from it.
	for davRequests.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the custom webmail never asked the WebDAV server: is WEBMAIL_ATTACHMENTS=webdav in use?")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestPluginsDocShowsTheExample: every file PLUGINS.md shows is the
// example module's file, byte for byte, so the doc shows what the tests
// build.
func TestPluginsDocShowsTheExample(t *testing.T) {
	doc, err := os.ReadFile("../PLUGINS.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)<!-- file: ([^ ]+) -->\n```[a-z]*\n(.*?)```\n").FindAllStringSubmatch(string(doc), -1)
	if len(blocks) < 3 {
		t.Fatalf("PLUGINS.md shows %d files of the example, want its store, test and main.go", len(blocks))
	}
	for _, b := range blocks {
		file, err := os.ReadFile(filepath.Join("..", b[1]))
		if err != nil {
			t.Errorf("PLUGINS.md shows %s: %v", b[1], err)
			continue
		}
		if string(file) != b[2] {
			t.Errorf("PLUGINS.md shows %s differently from the file: copy the file into the doc", b[1])
		}
	}
}
