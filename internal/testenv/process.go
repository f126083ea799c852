package testenv

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
)

// stopTimeout is how long a server gets to exit after SIGTERM before it is
// killed.
const stopTimeout = 10 * time.Second

// process is one server process that can be started, stopped and started
// again with the same command line. Its stdout and stderr go to a log file
// in its directory; logFiles lists further logs the server writes itself,
// all of which appear in failure messages.
type process struct {
	name     string
	path     string
	args     []string
	env      []string
	dir      string
	logFiles []string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// newProcess describes a server; start runs it.
func newProcess(name, dir, path string, args, env []string, logFiles ...string) *process {
	return &process{name: name, dir: dir, path: path, args: args, env: env, logFiles: logFiles}
}

// outputPath is where the server's stdout and stderr are written.
func (p *process) outputPath() string {
	return filepath.Join(p.dir, p.name+".out")
}

// start runs the server in the background. Stopping is registered with Main
// the first time, so a server is stopped even when a test fails half-way.
func (p *process) start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil {
		select {
		case <-p.done:
		default:
			return fmt.Errorf("testenv: %s: already running", p.name)
		}
	}
	out, err := os.OpenFile(p.outputPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("testenv: %s: %w", p.name, err)
	}
	cmd := exec.Command(p.path, p.args...)
	cmd.Dir = p.dir
	cmd.Env = append(os.Environ(), p.env...)
	cmd.Stdout = out
	cmd.Stderr = out
	cmd.SysProcAttr = &syscall.SysProcAttr{
		// Its own process group, so that a ^C in the terminal reaches
		// the test binary only and the cleanup can still run.
		Setpgid: true,
		// If the test binary dies without cleaning up (the go test
		// timeout panics, say), the server dies with it. Servers that
		// change credentials (the Postfix master, Dovecot's helpers)
		// lose this setting; removeStaleDirs catches those later.
		Pdeathsig: syscall.SIGKILL,
	}
	fmt.Fprintf(out, "\n=== testenv %s: %s %s\n", time.Now().Format(time.RFC3339Nano), p.path, strings.Join(p.args, " "))
	if err := startFromSpawner(cmd); err != nil {
		out.Close()
		return fmt.Errorf("testenv: %s: start %s: %w", p.name, p.path, err)
	}
	first := p.cmd == nil
	p.cmd = cmd
	done := make(chan struct{})
	p.done = done
	go func() {
		err := cmd.Wait()
		out.Close()
		p.mu.Lock()
		p.err = err
		p.mu.Unlock()
		close(done)
	}()
	if first {
		atExit(func() { _ = p.stop() })
	}
	return nil
}

// spawner is a goroutine locked to its OS thread for the life of the test
// process. Linux sends the parent-death signal when the thread that forked
// a child exits, not the process: a server started from a thread that the
// Go runtime retires would be killed mid-test.
var spawner struct {
	once     sync.Once
	requests chan func()
}

// startFromSpawner starts cmd on the spawner's thread.
func startFromSpawner(cmd *exec.Cmd) error {
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

// exited reports whether the server has exited since its last start.
func (p *process) exited() bool {
	p.mu.Lock()
	done := p.done
	p.mu.Unlock()
	if done == nil {
		return false
	}
	select {
	case <-done:
		return true
	default:
		return false
	}
}

// waitErr returns how the server exited, or nil while it runs.
func (p *process) waitErr() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// stop sends SIGTERM, waits up to stopTimeout and then sends SIGKILL to the
// whole process group. Stopping a stopped server does nothing.
func (p *process) stop() error {
	return p.stopWith(syscall.SIGTERM)
}

// kill sends SIGKILL at once, as a crash would.
func (p *process) kill() error {
	return p.stopWith(syscall.SIGKILL)
}

// stopWith signals the server with sig and waits for it to exit.
func (p *process) stopWith(sig syscall.Signal) error {
	p.mu.Lock()
	cmd, done := p.cmd, p.done
	p.mu.Unlock()
	if cmd == nil {
		return nil
	}
	select {
	case <-done:
		return nil
	default:
	}
	pid := cmd.Process.Pid
	_ = syscall.Kill(pid, sig)
	select {
	case <-done:
	case <-time.After(stopTimeout):
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		_ = syscall.Kill(pid, syscall.SIGKILL)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			return fmt.Errorf("testenv: %s: pid %d survived SIGKILL", p.name, pid)
		}
	}
	// Children left in the group (helpers of a master process) go too.
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	return nil
}

// logTail returns the last lines of the server's output and log files, for
// failure messages.
func (p *process) logTail() string {
	var b strings.Builder
	for _, path := range append([]string{p.outputPath()}, p.logFiles...) {
		b.WriteString(tailFile(path, 30))
	}
	return b.String()
}

// tailFile returns the last n lines of a file under a header naming it.
func tailFile(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("--- %s: %v\n", path, err)
	}
	lines := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return fmt.Sprintf("--- last lines of %s:\n%s\n", path, bytes.Join(lines, []byte("\n")))
}
