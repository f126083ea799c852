package deploy_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/webmail/webmail/config"
)

// tool finds a program the checks need. A missing one fails the test with
// the command that installs it: these checks never skip.
func tool(t *testing.T, name, aptPackage string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/usr/bin", "/sbin"} {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	t.Fatalf("%s not found: run \"make test-deps\" (apt-get install -y %s)", name, aptPackage)
	return ""
}

// run runs a command with a clean WEBMAIL_* environment plus env, and
// returns its combined output and error.
func run(t *testing.T, env []string, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WEBMAIL_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// knownVariable reports whether config reads name.
func knownVariable(name string) bool {
	for _, v := range config.Variables() {
		if v.Name == name || strings.HasSuffix(v.Name, "*") && strings.HasPrefix(name, strings.TrimSuffix(v.Name, "*")) {
			return true
		}
	}
	return false
}

// clusterVariables are the variables cluster/cluster_test.go gives each
// instance it starts natively; the compose file configures its instances
// with the same ones, so the two topologies stay mirrors of each other.
var clusterVariables = []string{
	"WEBMAIL_IMAP", "WEBMAIL_SMTP", "WEBMAIL_SECRET",
	"WEBMAIL_DB_WRITE", "WEBMAIL_DB_READ",
	"WEBMAIL_SESSION_STORE", "WEBMAIL_REDIS",
	"WEBMAIL_ATTACHMENTS", "WEBMAIL_ATTACHMENTS_ENDPOINT", "WEBMAIL_ATTACHMENTS_BUCKET",
	"WEBMAIL_ATTACHMENTS_ACCESS_KEY", "WEBMAIL_ATTACHMENTS_SECRET_KEY", "WEBMAIL_ATTACHMENTS_SECURE",
	"WEBMAIL_TRUSTED_PROXIES", "WEBMAIL_DRAIN",
}

// TestComposeFile validates docker-compose.yml with Debian's docker-compose,
// which needs no Docker engine, and checks that it holds the topology the
// cluster test runs.
func TestComposeFile(t *testing.T) {
	compose := tool(t, "docker-compose", "docker-compose")
	file := filepath.Join("..", "docker-compose.yml")
	secret := "WEBMAIL_SECRET=compose-test-secret-0123456789abcdef0123"

	if out, err := run(t, []string{secret}, compose, "-f", file, "config", "-q"); err != nil {
		t.Fatalf("docker-compose config -q: %v\n%s", err, out)
	}
	// Without the cluster key the file refuses to start anything rather
	// than run instances that cannot read each other's sessions.
	out, err := run(t, nil, compose, "-f", file, "config", "-q")
	if err == nil || !strings.Contains(out, "WEBMAIL_SECRET") {
		t.Fatalf("docker-compose config without WEBMAIL_SECRET: err=%v, output %q; want a refusal naming WEBMAIL_SECRET", err, out)
	}

	out, err = run(t, []string{secret}, compose, "-f", file, "config", "--services")
	if err != nil {
		t.Fatalf("docker-compose config --services: %v\n%s", err, out)
	}
	services := strings.Fields(out)
	for _, want := range []string{"haproxy", "webmail1", "webmail2", "webmail3", "migrate",
		"mariadb-primary", "mariadb-replica", "redis", "minio", "dovecot", "postfix"} {
		if !slices.Contains(services, want) {
			t.Errorf("docker-compose.yml has no service %q (services: %v)", want, services)
		}
	}

	text := readFile(t, file)
	var names []string
	for _, m := range regexp.MustCompile(`(?m)^\s+(WEBMAIL_[A-Z0-9_]+):`).FindAllStringSubmatch(text, -1) {
		names = append(names, m[1])
	}
	for _, name := range names {
		if !knownVariable(name) {
			t.Errorf("docker-compose.yml sets %s, which config does not read", name)
		}
	}
	for _, name := range clusterVariables {
		if !slices.Contains(names, name) {
			t.Errorf("docker-compose.yml does not set %s, which the cluster test gives every instance", name)
		}
	}
	if !strings.Contains(text, "./deploy/haproxy.cfg:") {
		t.Error("docker-compose.yml does not run deploy/haproxy.cfg")
	}
}

// haproxyRequired are the lines that make HAProxy fail over without losing
// requests and without replaying a send; the cluster test depends on them.
var haproxyRequired = []string{
	"http-check send meth GET uri /readyz",
	"http-check expect status 200",
	"retries 3",
	"option redispatch 1",
	"retry-on all-retryable-errors",
	"http-request disable-l7-retry if METH_POST",
	"inter 500ms fastinter 200ms",
	"fall 2 rise 2",
	"observe layer4 error-limit 1 on-error mark-down",
	"http-request set-header X-Forwarded-For %[src]",
	"http-request set-header X-Forwarded-Proto",
	"http-request deny if internal_path",
	"balance hash var(txn.webmail_user)",
	"hash-type consistent",
}

// shippedErrorPage is where deploy/haproxy.cfg reads its 503 page from.
const shippedErrorPage = "/etc/haproxy/errors/webmail-503.http"

// TestHAProxyConfig checks deploy/haproxy.cfg with haproxy -c: as shipped
// (the compose service names do not resolve here, which HAProxy accepts
// with a warning) and with loopback addresses put in, as the cluster test
// runs it, where it must be clean.
func TestHAProxyConfig(t *testing.T) {
	haproxy := tool(t, "haproxy", "haproxy")
	text := readFile(t, "haproxy.cfg")
	for _, line := range haproxyRequired {
		if !strings.Contains(text, line) {
			t.Errorf("haproxy.cfg lacks %q", line)
		}
	}
	if strings.Contains(text, "cookie ") || strings.Contains(text, "stick-table") {
		t.Error("haproxy.cfg makes sessions sticky; any instance must serve any request")
	}

	// The friendly 503 page is checked by haproxy -c too (it parses the
	// file as an HTTP response); it is read from where the admin copies it.
	errorPage, err := filepath.Abs("haproxy-503.http")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(text, "errorfile 503 "+shippedErrorPage+"\n"); n != 1 {
		t.Fatalf("haproxy.cfg names %s as errorfile 503 %d times, want once", shippedErrorPage, n)
	}
	text = strings.Replace(text, shippedErrorPage, errorPage, 1)
	dir := t.TempDir()
	shipped := filepath.Join(dir, "shipped.cfg")
	if err := os.WriteFile(shipped, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := run(t, nil, haproxy, "-c", "-f", shipped); err != nil {
		t.Fatalf("haproxy -c -f haproxy.cfg: %v\n%s", err, out)
	}
	if page := readFile(t, "haproxy-503.http"); !strings.HasPrefix(page, "HTTP/1.0 503 ") || !strings.Contains(page, "\r\n\r\n<!doctype html>") {
		t.Errorf("haproxy-503.http is not a 503 response with an HTML page")
	}

	local := text
	for i := 1; i <= 3; i++ {
		local = strings.Replace(local, fmt.Sprintf("webmail%d:8080", i), fmt.Sprintf("127.0.0.%d:8080", i+1), 1)
	}
	local = strings.Replace(local, "/run/haproxy/admin.sock", filepath.Join(dir, "admin.sock"), 1)
	path := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(path, []byte(local), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := run(t, nil, haproxy, "-c", "-f", path)
	if err != nil || strings.Contains(out, "WARNING") || strings.Contains(out, "ALERT") {
		t.Fatalf("haproxy -c with loopback addresses: err=%v\n%s", err, out)
	}
}

// TestSystemdUnit checks webmail.service with systemd-analyze verify (the
// binary path replaced by one that exists here) and that systemd waits
// long enough for a drain before it kills the process.
func TestSystemdUnit(t *testing.T) {
	analyze := tool(t, "systemd-analyze", "systemd")
	text := readFile(t, "webmail.service")
	for _, line := range []string{"Restart=on-failure", "KillSignal=SIGTERM", "EnvironmentFile=/etc/webmail/webmail.env",
		"ExecStart=/usr/local/bin/webmail serve", "NoNewPrivileges=yes", "ProtectSystem=strict"} {
		if !strings.Contains(text, line+"\n") {
			t.Errorf("webmail.service lacks %q", line)
		}
	}
	m := regexp.MustCompile(`(?m)^TimeoutStopSec=(\S+)$`).FindStringSubmatch(text)
	if m == nil {
		t.Fatal("webmail.service sets no TimeoutStopSec")
	}
	stop, err := time.ParseDuration(m[1])
	if err != nil {
		t.Fatalf("TimeoutStopSec=%s: %v", m[1], err)
	}
	// cmd/webmail gives running requests 30 s after the drain period.
	if need := config.Default().Drain + 30*time.Second; stop <= need {
		t.Errorf("TimeoutStopSec=%s: systemd would kill a draining instance; want more than %s", stop, need)
	}

	dir := t.TempDir()
	unit := strings.Replace(text, "ExecStart=/usr/local/bin/webmail serve", "ExecStart=/bin/true", 1)
	path := filepath.Join(dir, "webmail.service")
	if err := os.WriteFile(path, []byte(unit), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := run(t, nil, analyze, "verify", path)
	if err != nil || strings.TrimSpace(out) != "" {
		t.Fatalf("systemd-analyze verify webmail.service: err=%v\n%s", err, out)
	}
}

// TestEnvExample loads webmail.env.example the way an instance would (as
// a WEBMAIL_CONFIG file) and validates it once the secret is filled in.
func TestEnvExample(t *testing.T) {
	text := readFile(t, "webmail.env.example")
	for _, m := range regexp.MustCompile(`(?m)^#?(WEBMAIL_[A-Z0-9_]+)=`).FindAllStringSubmatch(text, -1) {
		if !knownVariable(m[1]) {
			t.Errorf("webmail.env.example sets %s, which config does not read", m[1])
		}
	}
	env := map[string]string{
		"WEBMAIL_CONFIG": "webmail.env.example",
		"WEBMAIL_SECRET": "env-example-secret-0123456789abcdef0123",
	}
	cfg, err := config.Load(func(k string) string { return env[k] }, []string{"WEBMAIL_SECRET=" + env["WEBMAIL_SECRET"]})
	if err != nil {
		t.Fatalf("loading webmail.env.example: %v", err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("webmail.env.example with a secret does not validate:\n%v", err)
	}
	if cfg.SessionStore != "redis" || cfg.Attachments != "s3" || cfg.DBWrite == "" || len(cfg.DBRead) == 0 || len(cfg.TrustedProxies) == 0 {
		t.Errorf("webmail.env.example is not a scaled-out configuration: %+v", cfg)
	}
}

// TestMailImage checks the Dovecot and Postfix configuration of the
// compose file's mail image with the tools' own parsers.
func TestMailImage(t *testing.T) {
	doveconf := tool(t, "doveconf", "dovecot-core")
	postconf := tool(t, "postconf", "postfix")
	if out, err := run(t, nil, doveconf, "-n", "-c", filepath.Join("mail", "dovecot.conf")); err != nil {
		t.Fatalf("doveconf mail/dovecot.conf: %v\n%s", err, out)
	}
	dir := t.TempDir()
	for src, dst := range map[string]string{"postfix-main.cf": "main.cf", "postfix-master.cf": "master.cf"} {
		if err := os.WriteFile(filepath.Join(dir, dst), []byte(readFile(t, filepath.Join("mail", src))), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, flag := range []string{"-n", "-M"} {
		out, err := run(t, nil, postconf, "-c", dir, flag)
		if err != nil || strings.Contains(out, "warning") {
			t.Fatalf("postconf %s on mail/postfix-*.cf: err=%v\n%s", flag, err, out)
		}
	}
}

// TestKeepalivedConfig checks keepalived.conf with keepalived's own parser.
func TestKeepalivedConfig(t *testing.T) {
	keepalived := tool(t, "keepalived", "keepalived")
	out, err := run(t, nil, keepalived, "-t", "-f", filepath.Join(".", "keepalived.conf"))
	if err != nil {
		t.Fatalf("keepalived -t keepalived.conf: err=%v\n%s", err, out)
	}
}

// TestFrontNginxConfig checks deploy/front/nginx.conf with `nginx -t`: the
// shipped file with only what a test host lacks replaced (the pid and log
// paths, the user, a certificate).
func TestFrontNginxConfig(t *testing.T) {
	nginx := tool(t, "nginx", "nginx libnginx-mod-mail libnginx-mod-stream")
	dir := t.TempDir()
	cert, key := writeTestCert(t, dir)
	cfg := readFile(t, filepath.Join("front", "nginx.conf"))
	for old, new := range map[string]string{
		"user www-data;\n":              "",
		"pid /run/nginx-mail.pid;":      "pid " + filepath.Join(dir, "nginx.pid") + ";",
		"/var/log/nginx/mail-error.log": filepath.Join(dir, "error.log"),
		"/etc/ssl/mail/fullchain.pem":   cert,
		"/etc/ssl/mail/privkey.pem":     key,
	} {
		if strings.Count(cfg, old) != 1 {
			t.Fatalf("front/nginx.conf: %q occurs %d times, want once", old, strings.Count(cfg, old))
		}
		cfg = strings.Replace(cfg, old, new, 1)
	}
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := run(t, nil, nginx, "-t", "-p", dir, "-c", conf); err != nil {
		t.Fatalf("nginx -t front/nginx.conf: %v\n%s", err, out)
	}
}

// TestFrontPostfixConfig checks the front Postfix fragments with postconf,
// added to an otherwise default main.cf and master.cf: no warnings, and
// the lookups name the socketmap of the routing service.
func TestFrontPostfixConfig(t *testing.T) {
	postconf := tool(t, "postconf", "postfix")
	dir := t.TempDir()
	master := readFile(t, "/etc/postfix/master.cf")
	// The stock master.cf has a relay service; the fragment replaces it.
	var kept []string
	skipping := false
	for _, line := range strings.Split(master, "\n") {
		if line != "" && line[0] != ' ' && line[0] != '\t' {
			skipping = strings.HasPrefix(line, "relay ")
		}
		if !skipping {
			kept = append(kept, line)
		}
	}
	files := map[string]string{
		"main.cf":   "compatibility_level = 3.6\n" + readFile(t, filepath.Join("front", "postfix-main.cf")),
		"master.cf": strings.Join(kept, "\n") + "\n" + readFile(t, filepath.Join("front", "postfix-master.cf")),
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, flag := range []string{"-n", "-M"} {
		out, err := run(t, nil, postconf, "-c", dir, flag)
		if err != nil || strings.Contains(out, "warning") {
			t.Fatalf("postconf %s on front/postfix-*.cf: err=%v\n%s", flag, err, out)
		}
		if flag == "-n" {
			for _, want := range []string{"relay_domains = socketmap:inet:127.0.0.1:8027:domain", "transport_maps = socketmap:inet:127.0.0.1:8027:transport"} {
				if !strings.Contains(out, want) {
					t.Errorf("postconf -n lacks %q:\n%s", want, out)
				}
			}
		}
	}
}

// writeTestCert writes a self-signed certificate and its key for nginx -t.
func writeTestCert(t *testing.T, dir string) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mail.example.com"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "fullchain.pem"), filepath.Join(dir, "privkey.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}
