package testenv

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// NginxMailModule is where Debian's libnginx-mod-mail puts the mail proxy
// module; a configuration loads it with "load_module".
const NginxMailModule = "/usr/lib/nginx/modules/ngx_mail_module.so"

// Nginx is an nginx process one test runs with its own configuration,
// stopped when the test ends.
type Nginx struct {
	// Dir is nginx's prefix: the configuration, pid file and logs.
	Dir  string
	proc *process
}

// NewNginx writes config (the whole nginx.conf, which should log with
// "error_log stderr") to a directory of its own and runs
// `nginx -g 'daemon off;'` on it, then waits until every address in
// listens accepts connections. Every "%[1]s" in config becomes Dir, for
// the pid file and temporary paths.
func NewNginx(t testing.TB, config string, listens ...string) *Nginx {
	t.Helper()
	bin, err := findBinary("nginx", "nginx")
	if err != nil {
		t.Fatalf("%v", err)
	}
	if !fileExists(NginxMailModule) {
		t.Fatalf("testenv: %s not found: %s (apt-get install -y libnginx-mod-mail)", NginxMailModule, installHint)
	}
	dir, err := newDir("nginx")
	if err != nil {
		t.Fatalf("%v", err)
	}
	conf := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(conf, []byte(strings.ReplaceAll(config, "%[1]s", dir)), 0o644); err != nil {
		t.Fatalf("testenv: nginx: %v", err)
	}
	if out, err := exec.Command(bin, "-t", "-p", dir, "-c", conf).CombinedOutput(); err != nil {
		t.Fatalf("testenv: nginx -t: %v\n%s", err, out)
	}
	n := &Nginx{Dir: dir}
	n.proc = newProcess("nginx", dir, bin, []string{"-p", dir, "-c", conf, "-g", "daemon off;"}, nil)
	if err := n.proc.start(); err != nil {
		t.Fatalf("%v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("nginx log:\n%s", n.proc.logTail())
		}
		_ = n.proc.stop()
	})
	for _, addr := range listens {
		err := waitFor(n.proc, "nginx on "+addr, startTimeout, func() error {
			conn, err := net.DialTimeout("tcp", addr, time.Second)
			if err != nil {
				return err
			}
			conn.Close()
			return nil
		})
		if err != nil {
			t.Fatalf("%v", err)
		}
	}
	return n
}

// Log returns what nginx has written to stderr so far.
func (n *Nginx) Log(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(n.proc.outputPath())
	if err != nil {
		t.Fatalf("testenv: nginx: %v", err)
	}
	return string(b)
}

// NginxCheck runs `nginx -t` on a configuration file, as deploy tests do;
// the error carries nginx's output.
func NginxCheck(conf string) error {
	bin, err := findBinary("nginx", "nginx")
	if err != nil {
		return err
	}
	dir := filepath.Dir(conf)
	if out, err := exec.Command(bin, "-t", "-p", dir, "-c", conf).CombinedOutput(); err != nil {
		return fmt.Errorf("testenv: nginx -t %s: %w\n%s", conf, err, out)
	}
	return nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
