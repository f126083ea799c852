package attachments_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/attachments/attachmentstest"
	"github.com/webmail/webmail/internal/testenv"
)

// s3Settings are the backend settings for bucket on server.
func s3Settings(server *testenv.MinIO, bucket string) map[string]string {
	return map[string]string{
		"endpoint":   server.Endpoint,
		"bucket":     bucket,
		"access_key": server.AccessKey,
		"secret_key": server.SecretKey,
		"region":     server.Region,
		"secure":     "false",
	}
}

func openS3(t *testing.T, settings map[string]string) attachments.Store {
	t.Helper()
	store, err := attachments.Open(t.Context(), "s3", attachments.Config{Settings: settings})
	if err != nil {
		t.Fatalf("Open(s3): %v", err)
	}
	return store
}

func TestS3Conformance(t *testing.T) {
	server := testenv.NewMinIO(t)
	attachmentstest.Run(t, func(t *testing.T) attachments.Store {
		return openS3(t, s3Settings(server, server.NewBucket(t)))
	})
}

func TestS3ConformanceWithPrefix(t *testing.T) {
	if testing.Short() {
		t.Skip("the conformance suite already ran against MinIO without a prefix")
	}
	server := testenv.NewMinIO(t)
	attachmentstest.Run(t, func(t *testing.T) attachments.Store {
		settings := s3Settings(server, server.NewBucket(t))
		settings["prefix"] = "webmail/uploads/"
		return openS3(t, settings)
	})
}

func TestS3Prefix(t *testing.T) {
	server := testenv.NewMinIO(t)
	bucket := server.NewBucket(t)
	settings := s3Settings(server, bucket)
	settings["prefix"] = "/tenant-a/"
	store := openS3(t, settings)
	if err := store.Put(t.Context(), "doc", strings.NewReader("x"), 1, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := server.Client(t).StatObject(t.Context(), bucket, "tenant-a/doc", minio.StatObjectOptions{}); err != nil {
		t.Errorf("object not stored under the prefix: %v", err)
	}
	info, err := store.Stat(t.Context(), "doc")
	if err != nil || info.Key != "doc" {
		t.Errorf("Stat = %+v, %v; want Key without the prefix", info, err)
	}
}

func TestS3CreateBucket(t *testing.T) {
	server := testenv.NewMinIO(t)
	settings := s3Settings(server, "wmtest-created-"+strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-")))
	store := openS3(t, settings)
	if err := store.Ping(t.Context()); err == nil {
		t.Fatalf("Ping on a missing bucket = nil, want an error")
	}
	settings["create_bucket"] = "true"
	for range 2 { // the second open finds the bucket there
		store = openS3(t, settings)
	}
	if err := store.Ping(t.Context()); err != nil {
		t.Errorf("Ping after create_bucket: %v", err)
	}
}

func TestS3PingUnreachable(t *testing.T) {
	store := openS3(t, map[string]string{"endpoint": "127.0.0.1:1", "bucket": "b", "secure": "false"})
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := store.Ping(ctx); err == nil {
		t.Errorf("Ping on a closed port = nil, want an error")
	}
}

func TestS3SweepAbortsStaleUploads(t *testing.T) {
	server := testenv.NewMinIO(t)
	bucket := server.NewBucket(t)
	store := openS3(t, s3Settings(server, bucket))
	// What a process that died in the middle of a multipart Put leaves.
	core := minio.Core{Client: server.Client(t)}
	uploadID, err := core.NewMultipartUpload(t.Context(), bucket, "dead/put", minio.PutObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	part := bytes.Repeat([]byte("p"), 5<<20)
	if _, err := core.PutObjectPart(t.Context(), bucket, "dead/put", uploadID, 1, bytes.NewReader(part), int64(len(part)), minio.PutObjectPartOptions{}); err != nil {
		t.Fatal(err)
	}
	sweeper := store.(attachments.Sweeper)
	if n, err := sweeper.Sweep(t.Context(), time.Hour); err != nil || n != 0 {
		t.Errorf("Sweep(1h) = %d, %v; want 0 (the upload is fresh)", n, err)
	}
	time.Sleep(time.Second) // S3 times have a resolution of seconds, MinIO's of ms
	if n, err := sweeper.Sweep(t.Context(), 0); err != nil || n != 1 {
		t.Errorf("Sweep(0) = %d, %v; want 1", n, err)
	}
	for upload := range server.Client(t).ListIncompleteUploads(t.Context(), bucket, "", true) {
		t.Errorf("upload left after Sweep: %+v", upload)
	}
}
