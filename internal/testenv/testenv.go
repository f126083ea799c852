// Package testenv starts real servers for integration tests: a MariaDB
// primary with a GTID replica, Redis (alone or with Sentinels), MinIO, and
// Dovecot with a private Postfix instance. Every server listens on a free
// loopback port, keeps its data, sockets and logs in its own directory under
// /tmp/wm-*, and is stopped by PID when the test binary ends.
//
// Servers start lazily on first use and are shared by all tests of one test
// process, so a package whose tests all call NewMariaDB pays for one primary
// and one replica. Each call hands out a fresh namespace on the shared server
// (a new database, a new mail user, a new bucket). A package that uses
// testenv must call Main from its TestMain so that the servers are stopped:
//
//	func TestMain(m *testing.M) { testenv.Main(m) }
//
// A missing server binary fails the test with the command that installs it;
// integration tests never skip silently.
package testenv

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// installHint is what a developer runs to get every server binary; "make
// test-deps" runs internal/testenv/install-deps.sh.
const installHint = `run "make test-deps"`

// startTimeout bounds how long any server may take to become ready.
const startTimeout = 30 * time.Second

// startAttempts is how often a server start is retried on fresh ports: a port
// found free may be taken by another test process before the server binds it.
const startAttempts = 3

// registry holds what this test process must clean up when Main returns.
// It is package-level because the servers are shared by every test of the
// process and must outlive any single test. The other globals are of the
// same kind: the lazily started servers, the spawner thread, and the
// once-per-process stale directory sweep.
var registry struct {
	mu       sync.Mutex
	cleanups []func()
}

// Main runs the tests of a package and then stops every server this process
// started and removes their directories, and exits with the tests' status.
// Call it from TestMain. An interrupt (^C) or SIGTERM stops the servers
// too. Set WEBMAIL_TEST_KEEP=1 to keep the directories (with the servers'
// logs) for inspection.
func Main(m *testing.M) {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-signals
		fmt.Fprintf(os.Stderr, "testenv: %v: stopping test servers\n", sig)
		shutdown()
		os.Exit(1)
	}()
	code := m.Run()
	signal.Stop(signals)
	shutdown()
	os.Exit(code)
}

// shutdownMu makes a second shutdown (a signal during the normal one) wait
// for the first to finish instead of exiting half-way.
var shutdownMu sync.Mutex

// shutdown runs the registered cleanups, newest first.
func shutdown() {
	shutdownMu.Lock()
	defer shutdownMu.Unlock()
	registry.mu.Lock()
	cleanups := registry.cleanups
	registry.cleanups = nil
	registry.mu.Unlock()
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
}

// atExit registers f to run when Main finishes.
func atExit(f func()) {
	registry.mu.Lock()
	defer registry.mu.Unlock()
	registry.cleanups = append(registry.cleanups, f)
}

// lazy starts a shared server once per process and remembers the outcome, so
// that every later caller gets the same server or the same error.
type lazy[T any] struct {
	once  sync.Once
	value T
	err   error
}

// get starts the server with start on the first call and returns the result.
func (l *lazy[T]) get(start func() (T, error)) (T, error) {
	l.once.Do(func() { l.value, l.err = start() })
	return l.value, l.err
}

// newDir creates a fresh directory /tmp/wm-NAME-XXXX that is removed when
// Main finishes. It lives directly under /tmp, whatever TMPDIR says, to keep
// unix socket paths far below their 108-byte limit, and it is world-readable
// so that the unprivileged users of Postfix and Dovecot can reach their files.
//
// The directory records which process owns it, so that a later test
// process can clean up after one that died without running Main.
func newDir(name string) (string, error) {
	staleOnce.Do(removeStaleDirs)
	dir, err := os.MkdirTemp("/tmp", "wm-"+name+"-")
	if err != nil {
		return "", fmt.Errorf("testenv: temp dir: %w", err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return "", fmt.Errorf("testenv: temp dir: %w", err)
	}
	owner := filepath.Join(dir, ownerFile)
	if err := os.WriteFile(owner, []byte(processIdentity(os.Getpid())), 0o644); err != nil {
		return "", fmt.Errorf("testenv: temp dir: %w", err)
	}
	atExit(func() {
		if os.Getenv("WEBMAIL_TEST_KEEP") != "" {
			_ = os.Remove(owner) // kept on purpose: not stale
			fmt.Fprintf(os.Stderr, "testenv: kept %s\n", dir)
			return
		}
		_ = os.RemoveAll(dir)
	})
	return dir, nil
}

// ownerFile, in each directory newDir makes, holds the owner's
// processIdentity.
const ownerFile = "testenv.owner"

// staleOnce makes each test process look for stale directories once.
var staleOnce sync.Once

// processIdentity returns "PID STARTTIME" for a live process, which tells it
// apart from a later process that reuses its PID, or "" if there is none.
func processIdentity(pid int) string {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	// The command name in parentheses may contain spaces; the fields
	// after it are plain. starttime is field 22, the 20th after ")".
	_, after, ok := strings.Cut(string(stat), ") ")
	fields := strings.Fields(after)
	if !ok || len(fields) < 20 {
		return ""
	}
	return fmt.Sprintf("%d %s", pid, fields[19])
}

// removeStaleDirs removes the directories of test processes that died
// without running Main (the go test timeout panics, a SIGKILL) after
// killing the servers still running in them. Most servers die with their
// test process already; the Postfix master and Dovecot's helpers do not.
func removeStaleDirs() {
	owners, _ := filepath.Glob("/tmp/wm-*/" + ownerFile)
	for _, owner := range owners {
		data, err := os.ReadFile(owner)
		if err != nil {
			continue
		}
		var pid int
		if _, err := fmt.Sscanf(string(data), "%d", &pid); err != nil {
			continue
		}
		if processIdentity(pid) == string(data) {
			continue // its owner still runs
		}
		dir := filepath.Dir(owner)
		killServersIn(dir)
		_ = os.RemoveAll(dir)
	}
}

// killServersIn kills every server process whose working directory is in
// dir. Only server binaries are candidates, so that a developer's shell
// sitting in a kept directory survives.
func killServersIn(dir string) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cwd, err := os.Readlink(fmt.Sprintf("/proc/%d/cwd", pid))
		if err != nil || (cwd != dir && !strings.HasPrefix(cwd, dir+"/")) {
			continue
		}
		exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
		if err != nil || !isServerBinary(exe) {
			continue
		}
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}

// isServerBinary reports whether exe is one of the programs testenv runs,
// or one that they run.
func isServerBinary(exe string) bool {
	if strings.HasPrefix(exe, "/usr/lib/dovecot/") || strings.HasPrefix(exe, "/usr/lib/postfix/") {
		return true
	}
	switch filepath.Base(exe) {
	case "mariadbd", "mysqld", "redis-server", "redis-check-rdb", "redis-sentinel", "minio", "dovecot":
		return true
	}
	return false
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("testenv: free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// freePorts returns n distinct free ports.
func freePorts(n int) ([]int, error) {
	// Hold all listeners open until every port is chosen so that the
	// kernel cannot hand out the same port twice.
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("testenv: free port: %w", err)
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// retryStart calls start up to startAttempts times and returns the first
// success or the last error. start must clean up after itself on failure.
func retryStart(what string, start func() error) error {
	var err error
	began := time.Now()
	for attempt := 1; attempt <= startAttempts; attempt++ {
		if err = start(); err == nil {
			// The test report shows these lines, so a run proves which
			// real servers its tests talked to.
			fmt.Printf("testenv: started %s in %.2fs\n", what, time.Since(began).Seconds())
			return nil
		}
		fmt.Fprintf(os.Stderr, "testenv: starting %s (attempt %d of %d): %v\n", what, attempt, startAttempts, err)
	}
	return err
}

// findBinary looks for a server binary on PATH and in the system directories
// that are not always on a root PATH, and explains how to install it when it
// is missing.
func findBinary(name, aptPackage string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, dir := range []string{"/usr/sbin", "/usr/bin", "/sbin", "/usr/local/sbin", "/usr/local/bin"} {
		p := filepath.Join(dir, name)
		if isExecutable(p) {
			return p, nil
		}
	}
	return "", fmt.Errorf("testenv: %s not found: %s (apt-get install -y %s)", name, installHint, aptPackage)
}

// isExecutable reports whether path is a regular file with an execute bit.
func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// randomHex returns n random bytes as hex, for passwords and unique names.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("testenv: random: %v", err)) // crypto/rand never fails on Linux
	}
	return hex.EncodeToString(b)
}

// waitFor polls ready every 50 ms until it returns nil, the process dies or
// the timeout expires. The error names what was awaited, the last readiness
// error and the tail of the server's logs.
func waitFor(p *process, what string, timeout time.Duration, ready func() error) error {
	deadline := time.Now().Add(timeout)
	var last error
	for {
		if last = ready(); last == nil {
			return nil
		}
		if p != nil && p.exited() {
			return fmt.Errorf("testenv: %s: %s exited before it was ready (%v): %w\n%s",
				p.name, what, p.waitErr(), last, p.logTail())
		}
		if time.Now().After(deadline) {
			tail := ""
			if p != nil {
				tail = "\n" + p.logTail()
			}
			return fmt.Errorf("testenv: %s not ready after %s: %w%s", what, timeout, last, tail)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// errNotReady is returned by readiness probes that got an answer, but not
// the expected one.
var errNotReady = errors.New("not ready")

// dialProbe connects to addr and checks that the server's greeting starts
// with prefix (for example "* OK" for IMAP, "220" for SMTP and LMTP).
func dialProbe(addr, prefix string) error {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 512)
	n, err := conn.Read(buf)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(string(buf[:n]), prefix) {
		return fmt.Errorf("%w: %s answered %q", errNotReady, addr, buf[:n])
	}
	return nil
}
