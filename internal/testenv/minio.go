package testenv

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// minioVersion is the MinIO build the tests are known to work with; its
// tags are not semver, so it is pinned as a pseudo-version.
const minioVersion = "github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c"

// MinIO is the S3 server shared by one test process, reached over plain
// HTTP. Each test takes its own bucket with NewBucket.
type MinIO struct {
	// Endpoint is host:port, without a scheme.
	Endpoint string
	// AccessKey and SecretKey are the root credentials.
	AccessKey, SecretKey string
	// Region is the region to configure clients with.
	Region string

	server *minioServer
}

// minioServer is one minio process.
type minioServer struct {
	proc     *process
	endpoint string
	access   string
	secret   string
	buckets  atomic.Int64
}

// sharedMinIO is the server this process started, if any.
var sharedMinIO lazy[*minioServer]

// NewMinIO returns the process's shared MinIO server, starting it on first
// use.
func NewMinIO(t testing.TB) *MinIO {
	t.Helper()
	s, err := sharedMinIO.get(startMinIO)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return &MinIO{Endpoint: s.endpoint, AccessKey: s.access, SecretKey: s.secret, Region: "us-east-1", server: s}
}

// Client returns a minio-go client for the server with the root
// credentials.
func (m *MinIO) Client(t testing.TB) *minio.Client {
	t.Helper()
	client, err := minio.New(m.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(m.AccessKey, m.SecretKey, ""),
		Secure: false,
		Region: m.Region,
	})
	if err != nil {
		t.Fatalf("testenv: minio client: %v", err)
	}
	return client
}

// NewBucket creates a fresh, empty bucket and returns its name.
func (m *MinIO) NewBucket(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("wmtest-%d-%s", m.server.buckets.Add(1), randomHex(4))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := m.Client(t).MakeBucket(ctx, name, minio.MakeBucketOptions{Region: m.Region}); err != nil {
		t.Fatalf("testenv: minio: make bucket %s: %v", name, err)
	}
	return name
}

// findMinIO looks in $WEBMAIL_TEST_BIN, then in the per-user cache that
// install-deps.sh fills, then on PATH.
func findMinIO() (string, error) {
	var candidates []string
	if dir := os.Getenv("WEBMAIL_TEST_BIN"); dir != "" {
		candidates = append(candidates, filepath.Join(dir, "minio"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		candidates = append(candidates, filepath.Join(home, ".cache", "webmail", "bin", "minio"))
	}
	for _, p := range candidates {
		if isExecutable(p) {
			return p, nil
		}
	}
	if p, err := findBinary("minio", ""); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("testenv: minio not found: %s (GOBIN=$HOME/.cache/webmail/bin go install %s)", installHint, minioVersion)
}

// startMinIO starts MinIO in a fresh directory.
func startMinIO() (*minioServer, error) {
	bin, err := findMinIO()
	if err != nil {
		return nil, err
	}
	dir, err := newDir("minio")
	if err != nil {
		return nil, err
	}
	s := &minioServer{access: "wmtest" + randomHex(4), secret: randomHex(16)}
	env := []string{
		"MINIO_ROOT_USER=" + s.access, "MINIO_ROOT_PASSWORD=" + s.secret,
		"MINIO_BROWSER=off", "MINIO_UPDATE=off", "MINIO_CI_CD=1",
		// Keep its config and certs directory inside ours rather
		// than in $HOME/.minio.
		"HOME=" + dir,
	}
	err = retryStart("minio", func() error {
		ports, err := freePorts(2)
		if err != nil {
			return err
		}
		s.endpoint = "127.0.0.1:" + strconv.Itoa(ports[0])
		args := []string{"server", filepath.Join(dir, "data"),
			"--address", s.endpoint, "--console-address", "127.0.0.1:" + strconv.Itoa(ports[1]),
			"--certs-dir", filepath.Join(dir, "certs"), "--quiet"}
		s.proc = newProcess("minio", dir, bin, args, env)
		if err := s.proc.start(); err != nil {
			return err
		}
		client := &http.Client{Timeout: 2 * time.Second}
		err = waitFor(s.proc, "minio on "+s.endpoint, startTimeout, func() error {
			resp, err := client.Get("http://" + s.endpoint + "/minio/health/ready")
			if err != nil {
				return err
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("%w: health answered %s", errNotReady, resp.Status)
			}
			return nil
		})
		if err != nil {
			_ = s.proc.kill()
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}
