package imageproxy

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"
)

var testPNG = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), bytes.Repeat([]byte{1, 2, 3}, 100)...)

// imageServer serves images on 127.0.0.2 and records what each request
// carried.
type imageServer struct {
	addr    string        // 127.0.0.2:port
	release chan struct{} // closed to let /slow.png answer
	mu      sync.Mutex
	seen    []*http.Request
}

func newImageServer(t *testing.T) *imageServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &imageServer{addr: ln.Addr().String(), release: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("/a.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(testPNG)
	})
	mux.HandleFunc("/avatar.jpg", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/jpeg") // declared, but the bytes are SVG
		w.Write([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`))
	})
	mux.HandleFunc("/page.png", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html><script>alert(1)</script></html>"))
	})
	mux.HandleFunc("/big.png", func(w http.ResponseWriter, r *http.Request) {
		w.Write(testPNG)
		w.Write(make([]byte, 2<<20))
	})
	mux.HandleFunc("/hop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	})
	mux.HandleFunc("/missing.png", http.NotFound)
	mux.HandleFunc("/slow.png", func(w http.ResponseWriter, r *http.Request) {
		<-s.release
		w.Write(testPNG)
	})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.seen = append(s.seen, r.Clone(context.Background()))
		s.mu.Unlock()
		mux.ServeHTTP(w, r)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() {
		select {
		case <-s.release:
		default:
			close(s.release)
		}
		srv.Close()
	})
	return s
}

// allowOnly allows one address: the test server's, 127.0.0.2.
func allowOnly(addr string) func(netip.Addr) bool {
	want := netip.MustParseAddr(addr)
	return func(a netip.Addr) bool { return a == want }
}

// resolveTo answers every lookup with addr, as a DNS server would for
// images.example.test: the fetch must connect to the address it checked.
func resolveTo(addr string) func(context.Context, string) ([]netip.Addr, error) {
	return func(context.Context, string) ([]netip.Addr, error) {
		return []netip.Addr{netip.MustParseAddr(addr)}, nil
	}
}

// TestFetchGood: with 127.0.0.2 allowed, a PNG is fetched by its host
// name (resolved by the injected resolver, then connected to by address),
// through a redirect; the server sees no cookie and no Referer.
func TestFetchGood(t *testing.T) {
	srv := newImageServer(t)
	_, port, _ := net.SplitHostPort(srv.addr)
	f := New(Options{Allow: allowOnly("127.0.0.2"), Resolve: resolveTo("127.0.0.2")})
	base := "http://images.example.test:" + port
	for _, u := range []string{base + "/a.png", base + "/hop?to=/a.png", "http://" + srv.addr + "/a.png"} {
		img, err := f.Fetch(context.Background(), u)
		if err != nil || img.ContentType != "image/png" || !bytes.Equal(img.Data, testPNG) {
			t.Fatalf("%s: %q %d bytes, %v", u, img.ContentType, len(img.Data), err)
		}
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	for _, r := range srv.seen {
		if r.Header.Get("Cookie") != "" || r.Header.Get("Referer") != "" || r.Header.Get("Authorization") != "" {
			t.Errorf("%s carried Cookie %q Referer %q", r.URL, r.Header.Get("Cookie"), r.Header.Get("Referer"))
		}
	}
}

// TestFetchRefusals: SVG and HTML whatever they are called, too large,
// not 200, not http(s), a redirect to a host the policy refuses.
func TestFetchRefusals(t *testing.T) {
	srv := newImageServer(t)
	_, port, _ := net.SplitHostPort(srv.addr)
	f := New(Options{Allow: allowOnly("127.0.0.2"), Resolve: resolveTo("127.0.0.2"), MaxBytes: 1 << 20})
	base := "http://images.example.test:" + port
	for _, tc := range []struct {
		url  string
		want error
	}{
		{base + "/avatar.jpg", ErrNotImage},
		{base + "/page.png", ErrNotImage},
		{base + "/big.png", ErrTooLarge},
		{base + "/missing.png", ErrStatus},
		{"ftp://images.example.test/a.png", ErrURL},
		{"file:///etc/passwd", ErrURL},
		{"http://user:pw@images.example.test:" + port + "/a.png", ErrURL},
		{base + "/hop?to=http://127.0.0.1:" + port + "/a.png", ErrDestination},
		{base + "/hop?to=file:///etc/passwd", ErrURL},
	} {
		_, err := f.Fetch(context.Background(), tc.url)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.url, err, tc.want)
		}
	}
}

// TestFetchRefusesInternalAddresses: with the real policy, the same
// server is out of reach, by address, by a name that resolves to it, and
// by localhost.
func TestFetchRefusesInternalAddresses(t *testing.T) {
	srv := newImageServer(t)
	_, port, _ := net.SplitHostPort(srv.addr)
	f := New(Options{Resolve: resolveTo("127.0.0.2")})
	for _, u := range []string{"http://" + srv.addr + "/a.png", "http://images.example.test:" + port + "/a.png", "http://[::ffff:127.0.0.2]:" + port + "/a.png"} {
		if _, err := f.Fetch(context.Background(), u); !errors.Is(err, ErrDestination) {
			t.Errorf("%s: %v, want ErrDestination", u, err)
		}
	}
	if _, err := New(Options{}).Fetch(context.Background(), "http://localhost:"+port+"/a.png"); !errors.Is(err, ErrDestination) {
		t.Errorf("localhost: %v, want ErrDestination", err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.seen) != 0 {
		t.Fatalf("the internal server was reached %d times", len(srv.seen))
	}
}

// TestPublicOnly judges addresses.
func TestPublicOnly(t *testing.T) {
	for addr, want := range map[string]bool{
		"93.184.215.14": true, "2606:2800:21f:cb07:6820:80da:af6b:8b2c": true, "8.8.8.8": true,
		"127.0.0.1": false, "127.0.0.2": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false,
		"169.254.169.254": false, "100.64.0.1": false, "0.0.0.0": false, "255.255.255.255": false, "224.0.0.1": false,
		"::1": false, "::": false, "fe80::1": false, "fd00::1": false, "fc00::1": false, "ff02::1": false,
		"::ffff:127.0.0.1": false, "::ffff:10.0.0.1": false, "64:ff9b::a00:1": false, "2002:a00:1::1": false,
		"2001:db8::1": false, "198.18.0.1": false, "192.0.2.1": false,
	} {
		if got := PublicOnly(netip.MustParseAddr(addr)); got != want {
			t.Errorf("PublicOnly(%s) = %v, want %v", addr, got, want)
		}
	}
}

// TestRasterType sniffs bytes, not names.
func TestRasterType(t *testing.T) {
	for data, want := range map[string]string{
		string(testPNG):                    "image/png",
		"\xff\xd8\xff\xe0":                 "image/jpeg",
		"GIF89a......":                     "image/gif",
		"RIFF\x00\x00\x00\x00WEBPVP8 ":     "image/webp",
		"BM\x00\x00":                       "image/bmp",
		"\x00\x00\x00\x1cftypavif\x00\x00": "image/avif",
		`<svg xmlns="http://www.w3.org/2000/svg"></svg>`: "",
		"<?xml version=\"1.0\"?><svg/>":                  "",
		"<html>":                                         "",
		strings.Repeat("a", 100):                         "",
	} {
		if got := RasterType([]byte(data)); got != want {
			t.Errorf("RasterType(%.20q) = %q, want %q", data, got, want)
		}
	}
}

// TestFetchBoundsConcurrency: with one slot taken by a fetch the server
// holds, a second fetch waits for a slot until its context ends, and
// never reaches the server.
func TestFetchBoundsConcurrency(t *testing.T) {
	srv := newImageServer(t)
	f := New(Options{Allow: allowOnly("127.0.0.2"), MaxConcurrent: 1})
	first := make(chan error, 1)
	go func() {
		_, err := f.Fetch(context.Background(), "http://"+srv.addr+"/slow.png")
		first <- err
	}()
	for {
		srv.mu.Lock()
		n := len(srv.seen)
		srv.mu.Unlock()
		if n == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.Fetch(ctx, "http://"+srv.addr+"/a.png"); !errors.Is(err, ErrBusy) {
		t.Fatalf("second fetch with the slot taken: %v, want ErrBusy", err)
	}
	close(srv.release)
	if err := <-first; err != nil {
		t.Fatalf("first fetch: %v", err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.seen) != 1 {
		t.Fatalf("the server saw %d requests, want 1", len(srv.seen))
	}
}
