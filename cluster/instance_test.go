package cluster_test

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// buildWebmail compiles the webmail command once for the test.
func buildWebmail(t *testing.T) string {
	t.Helper()
	bin, err := buildWebmailIn(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// buildWebmailIn compiles the webmail command into dir; it may run off the
// test's goroutine.
func buildWebmailIn(dir string) (string, error) {
	bin := filepath.Join(dir, "webmail")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/webmail/webmail/cmd/webmail")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building webmail: %w\n%s", err, out)
	}
	return bin, nil
}

// runWebmail runs a one-shot subcommand (migrate) with env.
func runWebmail(t *testing.T, bin string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(cleanEnv(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("webmail %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// cleanEnv is the test's environment without WEBMAIL_* variables, so a
// developer's shell settings never leak into the instances.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WEBMAIL_") {
			env = append(env, kv)
		}
	}
	return env
}

// freeAddrOn returns host:port with a port free on host a moment ago.
func freeAddrOn(t *testing.T, host string) string {
	t.Helper()
	ln, err := net.Listen("tcp", host+":0")
	if err != nil {
		t.Fatalf("no free port on %s: %v", host, err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// instance is one `webmail serve` process, which the test starts, kills
// and restarts on the same address, as an admin or a crash would.
type instance struct {
	name string // webmail1..3, as in deploy/haproxy.cfg
	addr string
	bin  string
	env  []string
	log  string // stdout and stderr of every run, appended

	mu    sync.Mutex
	cmd   *exec.Cmd
	done  chan struct{}
	state *os.ProcessState
}

func newInstance(t *testing.T, name, addr, bin string, env []string) *instance {
	in := &instance{name: name, addr: addr, bin: bin, env: env, log: filepath.Join(t.TempDir(), name+".log")}
	t.Cleanup(func() {
		in.signal(syscall.SIGKILL)
		in.wait(10 * time.Second)
		if t.Failed() {
			t.Logf("%s log (last lines):\n%s", in.name, in.logTail(40))
		}
	})
	return in
}

// start runs the instance; it does not wait for it to be ready.
func (in *instance) start(t *testing.T) {
	t.Helper()
	out, err := os.OpenFile(in.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(out, "=== cluster test: start %s at %s\n", in.name, time.Now().Format(time.RFC3339Nano))
	cmd := exec.Command(in.bin, "serve")
	// Metrics on any free port: the instances share this host.
	cmd.Env = append(append(cleanEnv(), in.env...), "WEBMAIL_LISTEN="+in.addr, "WEBMAIL_INSTANCE="+in.name, "WEBMAIL_METRICS_LISTEN=127.0.0.1:0")
	cmd.Stdout, cmd.Stderr = out, out
	// Killed with the test binary, whatever way it ends (see spawn).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := spawn(cmd); err != nil {
		out.Close()
		t.Fatalf("starting %s: %v", in.name, err)
	}
	done := make(chan struct{})
	in.mu.Lock()
	in.cmd, in.done, in.state = cmd, done, nil
	in.mu.Unlock()
	go func() {
		cmd.Wait()
		out.Close()
		in.mu.Lock()
		in.state = cmd.ProcessState
		in.mu.Unlock()
		close(done)
	}()
}

// waitReady polls the instance's own /readyz until it answers 200.
func (in *instance) waitReady(t *testing.T) {
	t.Helper()
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := client.Get("http://" + in.addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		if in.exited() || time.Now().After(deadline) {
			t.Fatalf("%s not ready (exited: %v): %v\n%s", in.name, in.exited(), err, in.logTail(40))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// signal sends sig to the running process, if any.
func (in *instance) signal(sig syscall.Signal) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.cmd != nil && in.state == nil {
		_ = in.cmd.Process.Signal(sig)
	}
}

// wait waits up to timeout for the process to exit and returns its state,
// or nil if it still runs.
func (in *instance) wait(timeout time.Duration) *os.ProcessState {
	in.mu.Lock()
	done := in.done
	in.mu.Unlock()
	if done == nil {
		return nil
	}
	select {
	case <-done:
	case <-time.After(timeout):
		return nil
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.state
}

func (in *instance) exited() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.state != nil
}

// kill ends the process with SIGKILL, as a crash would.
func (in *instance) kill(t *testing.T) {
	t.Helper()
	in.signal(syscall.SIGKILL)
	if in.wait(10*time.Second) == nil {
		t.Fatalf("%s survived SIGKILL", in.name)
	}
}

// pid is the running process's ID.
func (in *instance) pid() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.cmd.Process.Pid
}

// logText returns everything the instance has logged in all its runs.
func (in *instance) logText() string {
	b, _ := os.ReadFile(in.log)
	return string(b)
}

func (in *instance) logTail(n int) string {
	lines := strings.Split(strings.TrimRight(in.logText(), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// spawner starts processes from one goroutine locked to its OS thread:
// Linux sends the parent-death signal when the forking thread exits, and
// the instances must live as long as the test binary, not a thread.
var spawner struct {
	once     sync.Once
	requests chan func()
}

func spawn(cmd *exec.Cmd) error {
	spawner.once.Do(func() {
		spawner.requests = make(chan func())
		go func() {
			runtime.LockOSThread() // never unlocked: the thread lives on
			for request := range spawner.requests {
				request()
			}
		}()
	})
	errs := make(chan error, 1)
	spawner.requests <- func() { errs <- cmd.Start() }
	return <-errs
}

// exitCode describes how a process ended, for messages.
func exitCode(state *os.ProcessState) (int, error) {
	if state == nil {
		return -1, errors.New("still running")
	}
	if ws, ok := state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return -1, fmt.Errorf("killed by %v", ws.Signal())
	}
	return state.ExitCode(), nil
}
