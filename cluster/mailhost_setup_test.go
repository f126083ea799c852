package cluster_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/store"
)

// The loopback addresses of the mail host topology (issue 13):
//
//	mail client ──IMAP/POP3/submission──▶ nginx 127.0.0.14 ──▶ backend A 127.0.0.12 (alpha.test)
//	                                        │  auth_http, via its           backend B 127.0.0.13 (beta.test)
//	                                        │  own HTTP proxy ─┐            (Dovecot + Postfix each)
//	sender ──SMTP──▶ front Postfix 127.0.0.15                  ├─▶ webmail1 127.0.0.16 ─┐
//	                   socketmap, via nginx's stream proxy ────┘   webmail2 127.0.0.17 ─┴─▶ MariaDB
const (
	hostA       = "127.0.0.12"
	hostB       = "127.0.0.13"
	hostNginx   = "127.0.0.14"
	hostFront   = "127.0.0.15"
	domainA     = "alpha.test"
	domainB     = "beta.test"
	backendA    = "mx-a"
	backendB    = "mx-b"
	loginLimit  = 3
	tlsHostname = "mail.example.test"
)

// mailHost is the topology the mail host tests act on.
type mailHost struct {
	bin       string
	env       []string
	db        *store.DB // the shared database, as an admin tool would open it
	a, b      *testenv.MailBackend
	instances []*instance
	routing   []string // each instance's WEBMAIL_ROUTING_LISTEN
	admin     []string // each instance's WEBMAIL_ADMIN_LISTEN
	nginx     *testenv.Nginx
	front     *testenv.FrontPostfix
	tls       *tls.Config // trusts nginx's certificate
	token     string      // an admin token of the provisioning API

	// nginx's listeners.
	imap, imaps, pop3, pop3s, submission, submissions string
	imapPlain                                         string // test-only plain IMAP listener, for the latency measurement
	socketmapLB                                       string // nginx stream proxy in front of the routing listeners
}

// startMailHost starts two backends, two webmail instances with their
// routing listeners, nginx with deploy/front/nginx.conf and a front
// Postfix with deploy/front/postfix-*.cf, and routes each domain to its
// backend.
func startMailHost(t *testing.T) *mailHost {
	h := &mailHost{bin: buildWebmail(t)}
	mariadb := testenv.NewMariaDB(t)
	// nginx connects to the backends from 127.0.0.1 and vouches for the
	// user with XCLIENT on submission.
	h.a = testenv.NewMailBackend(t, hostA, domainA, "127.0.0.0/8")
	h.b = testenv.NewMailBackend(t, hostB, domainB, "127.0.0.0/8")

	h.env = []string{
		// Every login the tests make is in the domain table; the
		// templates point nowhere.
		"WEBMAIL_IMAP=imap://127.0.0.1:1",
		"WEBMAIL_SMTP=smtp://127.0.0.1:1",
		"WEBMAIL_SECRET=mailhost-test-secret-0123456789abcdef0123",
		"WEBMAIL_DB_WRITE=" + mariadb.PrimaryDSN,
		"WEBMAIL_SESSION_STORE=sql",
		"WEBMAIL_METRICS_LISTEN=off",
		fmt.Sprintf("WEBMAIL_LOGIN_LIMIT_USER=%d", loginLimit),
		"WEBMAIL_LOGIN_LIMIT_IP=1000",
		"WEBMAIL_DRAIN=100ms",
	}
	runWebmail(t, h.bin, h.env, "migrate")
	db, err := store.Open(store.Options{WriteDSN: mariadb.PrimaryDSN})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	h.db = db
	ctx := context.Background()
	for _, b := range []struct {
		name string
		mb   *testenv.MailBackend
	}{{backendA, h.a}, {backendB, h.b}} {
		err := db.SaveMailBackend(ctx, store.MailBackend{Name: b.name, IMAP: "imap://" + b.mb.IMAPAddr,
			SMTP: "smtp://" + b.mb.SubmissionAddr, ProxyIMAP: b.mb.IMAPAddr, ProxyPOP3: b.mb.POP3Addr,
			ProxySubmission: b.mb.SubmissionAddr, Relay: b.mb.SMTPAddr})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []store.Domain{{Name: domainA, Backend: backendA}, {Name: domainB, Backend: backendB}} {
		if err := db.SaveDomain(ctx, d); err != nil {
			t.Fatal(err)
		}
	}

	for i, host := range []string{"127.0.0.16", "127.0.0.17"} {
		name := fmt.Sprintf("webmail%d", i+1)
		routing, admin := freeAddrOn(t, host), freeAddrOn(t, host)
		env := append(append([]string{}, h.env...), "WEBMAIL_DATA="+t.TempDir(),
			"WEBMAIL_ROUTING_LISTEN="+routing, "WEBMAIL_ADMIN_LISTEN="+admin)
		h.instances = append(h.instances, newInstance(t, name, freeAddrOn(t, host), h.bin, env))
		h.routing, h.admin = append(h.routing, routing), append(h.admin, admin)
	}
	for _, in := range h.instances {
		in.start(t)
	}
	for _, in := range h.instances {
		in.waitReady(t)
	}
	h.token = createToken(t, h, "mailhost test")
	h.startNginx(t)
	h.startFrontPostfix(t)
	return h
}

// startNginx runs deploy/front/nginx.conf with this test's addresses. Every
// replacement must match as often as said, so a change of the shipped file
// that the test would not exercise fails here.
func (h *mailHost) startNginx(t *testing.T) {
	certFile, keyFile, pool := selfSignedCert(t, tlsHostname)
	h.tls = &tls.Config{RootCAs: pool, ServerName: tlsHostname}
	cfg := readDeploy(t, "front/nginx.conf")
	replace := func(old, new string, times int) {
		t.Helper()
		if n := strings.Count(cfg, old); n != times {
			t.Fatalf("deploy/front/nginx.conf: %q occurs %d times, want %d", old, n, times)
		}
		cfg = strings.ReplaceAll(cfg, old, new)
	}
	addr := func() string { return freeAddrOn(t, hostNginx) }
	h.imap, h.imaps, h.pop3, h.pop3s, h.submission, h.submissions = addr(), addr(), addr(), addr(), addr(), addr()
	h.imapPlain = addr()
	authLB, socketmapLB := freeAddrOn(t, "127.0.0.1"), freeAddrOn(t, "127.0.0.1")
	replace("user www-data;\n", "", 1)
	replace("pid /run/nginx-mail.pid;", "pid %[1]s/nginx.pid;", 1)
	replace("error_log /var/log/nginx/mail-error.log info;", "error_log stderr info;", 1)
	var servers string
	for _, r := range h.routing {
		servers += "\t\tserver " + r + " max_fails=1 fail_timeout=5s;\n"
	}
	replace("\t\tserver 10.0.0.11:8026 max_fails=1 fail_timeout=5s;\n\t\tserver 10.0.0.12:8026 max_fails=1 fail_timeout=5s;\n\t\tserver 10.0.0.13:8026 max_fails=1 fail_timeout=5s;\n", servers, 2)
	replace("listen 127.0.0.1:8026;", "listen "+authLB+";", 1)
	replace("auth_http 127.0.0.1:8026/auth;", "auth_http "+authLB+"/auth;", 1)
	replace("listen 127.0.0.1:8027;", "listen "+socketmapLB+";", 1)
	replace("/etc/ssl/mail/fullchain.pem", certFile, 1)
	replace("/etc/ssl/mail/privkey.pem", keyFile, 1)
	replace("listen 143;", "listen "+h.imap+";", 1)
	replace("listen 993 ssl;", "listen "+h.imaps+" ssl;", 1)
	replace("listen 110;", "listen "+h.pop3+";", 1)
	replace("listen 995 ssl;", "listen "+h.pop3s+" ssl;", 1)
	replace("listen 587;", "listen "+h.submission+";", 1)
	replace("listen 465 ssl;", "listen "+h.submissions+" ssl;", 1)
	// Only for measuring what the routing adds to a login, without the
	// TLS handshake the shipped listeners require.
	replace("\tserver {\n\t\tlisten "+h.imaps+" ssl;", "\tserver {\n\t\tlisten "+h.imapPlain+";\n\t\tprotocol imap;\n\t\tstarttls off;\n\t}\n\tserver {\n\t\tlisten "+h.imaps+" ssl;", 1)
	h.nginx = testenv.NewNginx(t, cfg, h.imap, h.imaps, h.pop3, h.pop3s, h.submission, h.submissions, authLB, socketmapLB)
	h.socketmapLB = socketmapLB
}

// startFrontPostfix runs a Postfix with deploy/front/postfix-main.cf and
// postfix-master.cf, asking the routing service through nginx's stream
// proxy.
func (h *mailHost) startFrontPostfix(t *testing.T) {
	mainCf := readDeploy(t, "front/postfix-main.cf")
	if n := strings.Count(mainCf, "127.0.0.1:8027"); n != 2 {
		t.Fatalf("deploy/front/postfix-main.cf: the socketmap address occurs %d times, want 2", n)
	}
	mainCf = strings.ReplaceAll(mainCf, "127.0.0.1:8027", h.socketmapLB)
	masterCf := readDeploy(t, "front/postfix-master.cf")
	// testenv's Postfix runs without a chroot.
	const chrooted = "relay     unix  -       -       y       -       -       smtp"
	if strings.Count(masterCf, chrooted) != 1 {
		t.Fatalf("deploy/front/postfix-master.cf: no %q line", chrooted)
	}
	masterCf = strings.Replace(masterCf, chrooted, "relay     unix  -       -       n       -       -       smtp", 1)
	h.front = testenv.NewFrontPostfix(t, hostFront, mainCf, masterCf)
}

func readDeploy(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "deploy", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// selfSignedCert writes a certificate for name and its key, and returns
// their paths and a pool trusting it.
func selfSignedCert(t *testing.T, name string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "fullchain.pem"), filepath.Join(dir, "privkey.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}
