package mail

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// testCert returns a self-signed certificate for 127.0.0.1 and a pool that
// trusts it.
func testCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "imap.test"},
		DNSNames:              []string{"imap.test"},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// startTLSMemServer serves one user over implicit TLS and over STARTTLS.
func startTLSMemServer(t *testing.T) (implicit, starttls string, roots *x509.CertPool) {
	t.Helper()
	cert, roots := testCert(t)
	mem := imapmemserver.New()
	user := imapmemserver.NewUser(memUser, memPassword)
	mem.AddUser(user)
	if err := user.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}},
		Logger:    testLogger{t},
	})
	plain, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	secure, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(plain)
	go srv.Serve(secure)
	t.Cleanup(func() { srv.Close() })
	return secure.Addr().String(), plain.Addr().String(), roots
}

func TestIMAPTLS(t *testing.T) {
	implicit, starttls, roots := startTLSMemServer(t)
	ctx := context.Background()
	trusted := DialOptions{TLSConfig: &tls.Config{RootCAs: roots}, Timeout: 5 * time.Second}
	for _, ep := range []Endpoint{
		{Scheme: "imaps", Host: implicit, Security: SecurityTLS},
		{Scheme: "imap+starttls", Host: starttls, Security: SecurityStartTLS},
	} {
		c, err := DialIMAP(ctx, ep, memUser, memPassword, trusted)
		if err != nil {
			t.Errorf("%s: %v", ep, err)
			continue
		}
		if _, err := c.Mailboxes(ctx); err != nil {
			t.Errorf("%s: Mailboxes: %v", ep, err)
		}
		c.Close()

		// The system roots do not trust the test certificate.
		if _, err := DialIMAP(ctx, ep, memUser, memPassword, DialOptions{Timeout: 5 * time.Second}); !errors.Is(err, ErrUnavailable) {
			t.Errorf("%s with untrusted certificate: %v, want ErrUnavailable", ep, err)
		}
	}
	// The server refuses LOGIN before STARTTLS: a plain endpoint cannot log in.
	_, err := DialIMAP(ctx, Endpoint{Scheme: "imap", Host: starttls}, memUser, memPassword, DialOptions{Timeout: 5 * time.Second})
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("plain login where the server requires TLS: %v, want ErrUnavailable", err)
	}
}

// TestIMAPStalledServer checks that a context deadline cuts a command the
// server never answers, and that the Client then reports itself broken.
func TestIMAPStalledServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		conn.Write([]byte("* OK [CAPABILITY IMAP4rev1] stalling server\r\n"))
		r := bufio.NewReader(conn)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			tag, rest, _ := strings.Cut(line, " ")
			if strings.HasPrefix(strings.ToUpper(rest), "LOGIN") {
				conn.Write([]byte(tag + " OK [CAPABILITY IMAP4rev1] logged in\r\n"))
			}
			// Everything else goes unanswered.
		}
	}()
	c, err := DialIMAP(context.Background(), Endpoint{Scheme: "imap", Host: ln.Addr().String()}, "u", "p", DialOptions{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = listNewest(ctx, c, "INBOX", 1, 10)
	if !errors.Is(err, ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("stalled command: %v, want ErrUnavailable and DeadlineExceeded", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("stalled command returned after %v", elapsed)
	}
	if !c.Broken() {
		t.Error("client not broken after a cut command")
	}
	start = time.Now()
	c.Close()
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("Close of a broken client took %v", elapsed)
	}
}

// TestIMAPSelectOnce checks that a selected mailbox is not selected again.
func TestIMAPSelectOnce(t *testing.T) {
	srv := startMemServer(t, nil)
	srv.create(t, "Other")
	srv.append(t, "INBOX", testMessage(1, false))
	c := srv.dial(t)
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if _, err := listNewest(ctx, c, "INBOX", 1, 10); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.FetchRaw(ctx, "INBOX", 1, 1<<20); err != nil {
		t.Fatal(err)
	}
	if err := c.SetSeen(ctx, "INBOX", true, 1); err != nil {
		t.Fatal(err)
	}
	selects := regexp.MustCompile(`(?m)^T\d+ (SELECT|EXAMINE) `)
	if n := len(selects.FindAllString(srv.traffic.String(), -1)); n != 1 {
		t.Errorf("%d SELECT commands for one mailbox, want 1", n)
	}
	if _, err := listNewest(ctx, c, "Other", 1, 10); err != nil {
		t.Fatal(err)
	}
	if _, err := listNewest(ctx, c, "INBOX", 1, 10); err != nil {
		t.Fatal(err)
	}
	if n := len(selects.FindAllString(srv.traffic.String(), -1)); n != 3 {
		t.Errorf("%d SELECT commands after switching mailboxes, want 3", n)
	}
}
