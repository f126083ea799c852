package testenv

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// PrivateMinIO is a MinIO server of one test's own, which the test may
// stop and start again (same address, same data): for tests of what
// happens while one attachment backend is down, such as one side of the
// redundant store. Its buckets are made with NewBucket like the shared
// server's.
type PrivateMinIO struct {
	*MinIO

	mu   sync.Mutex // serialises Stop and Start
	dir  string
	bin  string
	args []string
	env  []string
}

// NewPrivateMinIO starts a MinIO for this test, stopped when it ends.
func NewPrivateMinIO(t testing.TB) *PrivateMinIO {
	t.Helper()
	bin, err := findMinIO()
	if err != nil {
		t.Fatalf("%v", err)
	}
	dir, err := newDir("minio-private")
	if err != nil {
		t.Fatalf("%v", err)
	}
	s := &minioServer{access: "wmtest" + randomHex(4), secret: randomHex(16)}
	p := &PrivateMinIO{dir: dir, bin: bin, env: []string{
		"MINIO_ROOT_USER=" + s.access, "MINIO_ROOT_PASSWORD=" + s.secret,
		"MINIO_BROWSER=off", "MINIO_UPDATE=off", "MINIO_CI_CD=1", "HOME=" + dir,
	}}
	err = retryStart("private minio", func() error {
		ports, err := freePorts(2)
		if err != nil {
			return err
		}
		s.endpoint = "127.0.0.1:" + strconv.Itoa(ports[0])
		p.args = []string{"server", filepath.Join(dir, "data"),
			"--address", s.endpoint, "--console-address", "127.0.0.1:" + strconv.Itoa(ports[1]),
			"--certs-dir", filepath.Join(dir, "certs"), "--quiet"}
		return p.run(s)
	})
	if err != nil {
		t.Fatalf("%v", err)
	}
	t.Cleanup(func() { _ = s.proc.stop() })
	p.MinIO = &MinIO{Endpoint: s.endpoint, AccessKey: s.access, SecretKey: s.secret, Region: "us-east-1", server: s}
	return p
}

// run starts the process and waits until it is ready.
func (p *PrivateMinIO) run(s *minioServer) error {
	s.proc = newProcess("minio", p.dir, p.bin, p.args, p.env)
	if err := s.proc.start(); err != nil {
		return err
	}
	client := &http.Client{Timeout: 2 * time.Second}
	err := waitFor(s.proc, "minio on "+s.endpoint, startTimeout, func() error {
		// ready answers before a restarted server takes writes
		// ("Server not initialized yet"); cluster waits for write quorum.
		for _, check := range []string{"/minio/health/ready", "/minio/health/cluster"} {
			resp, err := client.Get("http://" + s.endpoint + check)
			if err != nil {
				return err
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("%w: %s answered %s", errNotReady, check, resp.Status)
			}
		}
		return nil
	})
	if err != nil {
		_ = s.proc.kill()
	}
	return err
}

// Stop stops the server: connections are refused until Start.
func (p *PrivateMinIO) Stop(t testing.TB) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.server.proc.stop(); err != nil {
		t.Fatalf("%v", err)
	}
}

// Start starts a stopped server again, on the same address with the same
// data.
func (p *PrivateMinIO) Start(t testing.TB) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.run(p.server); err != nil {
		t.Fatalf("%v", err)
	}
}
