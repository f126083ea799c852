package encrypt_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"io"
	"maps"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/webmail/webmail/attachments"
	"github.com/webmail/webmail/attachments/attachmentstest"
	"github.com/webmail/webmail/internal/testenv"
	"github.com/webmail/webmail/plugins/encrypt"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func newKey(t *testing.T) string {
	t.Helper()
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(raw)
}

// openEncrypt opens the store the way the webmail does:
// WEBMAIL_ATTACHMENTS=encrypt with the plugin's settings.
func openEncrypt(t *testing.T, settings map[string]string, keys ...string) attachments.Store {
	t.Helper()
	backend := settings["_backend"]
	settings = maps.Clone(settings)
	delete(settings, "_backend")
	s, err := attachments.Open(t.Context(), "encrypt", attachments.Config{
		Settings: settings, DataDir: t.TempDir(),
		Plugins: map[string]string{
			"WEBMAIL_PLUGIN_ENCRYPT_BACKEND": backend,
			"WEBMAIL_PLUGIN_ENCRYPT_KEYS":    strings.Join(keys, ","),
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformanceOverFS(t *testing.T) {
	key := newKey(t)
	attachmentstest.Run(t, func(t *testing.T) attachments.Store {
		return openEncrypt(t, map[string]string{"_backend": "fs", "dir": t.TempDir()}, key)
	})
}

func minioSettings(t *testing.T, server *testenv.MinIO) map[string]string {
	return map[string]string{"_backend": "s3",
		"endpoint": server.Endpoint, "bucket": server.NewBucket(t), "access_key": server.AccessKey,
		"secret_key": server.SecretKey, "region": server.Region, "secure": "false"}
}

func TestConformanceOverMinIO(t *testing.T) {
	server := testenv.NewMinIO(t)
	key := newKey(t)
	attachmentstest.Run(t, func(t *testing.T) attachments.Store {
		return openEncrypt(t, minioSettings(t, server), key)
	})
}

// TestMinIOHoldsCiphertext reads the object straight from the bucket: none
// of the plaintext is there, and a cut or changed object fails to read.
func TestMinIOHoldsCiphertext(t *testing.T) {
	server := testenv.NewMinIO(t)
	settings := minioSettings(t, server)
	s := openEncrypt(t, settings, newKey(t))
	ctx := t.Context()
	plain := bytes.Repeat([]byte("secret attachment text "), 10_000) // 230 kB: several chunks
	if err := s.Put(ctx, "doc", bytes.NewReader(plain), int64(len(plain)), "text/plain"); err != nil {
		t.Fatal(err)
	}
	client, err := minio.New(server.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(server.AccessKey, server.SecretKey, ""), Region: server.Region})
	if err != nil {
		t.Fatal(err)
	}
	stored := readObject(t, client, settings["bucket"], "doc")
	if bytes.Contains(stored, []byte("secret attachment")) {
		t.Fatal("the bucket holds the plaintext")
	}
	if len(stored) <= len(plain) {
		t.Fatalf("stored %d bytes for %d of plaintext: no header and tags?", len(stored), len(plain))
	}

	// Cut after the second chunk (a whole number of chunks), then after a
	// part of one, then one byte changed: every read must fail.
	cuts := map[string][]byte{
		"cut at a chunk boundary": stored[:48+2*(64<<10+16)],
		"cut inside a chunk":      stored[:len(stored)-7],
		"a byte changed":          flip(stored, 100_000),
	}
	for name, bad := range cuts {
		if _, err := client.PutObject(ctx, settings["bucket"], "bad", bytes.NewReader(bad), int64(len(bad)), minio.PutObjectOptions{ContentType: "text/plain"}); err != nil {
			t.Fatal(err)
		}
		rc, _, err := s.Get(ctx, "bad")
		if err == nil {
			_, err = io.ReadAll(rc)
			rc.Close()
		}
		if err == nil {
			t.Errorf("%s: the object read without an error", name)
		}
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 1
	return c
}

func readObject(t *testing.T, client *minio.Client, bucket, key string) []byte {
	t.Helper()
	obj, err := client.GetObject(t.Context(), bucket, key, minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	b, err := io.ReadAll(obj)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestKeyRotation: objects written under the old key read after a new key
// is put first; once the old key is dropped they fail as damaged.
func TestKeyRotation(t *testing.T) {
	dir := t.TempDir()
	oldKey, newKeyValue := newKey(t), newKey(t)
	settings := map[string]string{"_backend": "fs", "dir": dir}
	ctx := t.Context()
	before := openEncrypt(t, settings, oldKey)
	if err := before.Put(ctx, "old", strings.NewReader("written under the old key"), -1, ""); err != nil {
		t.Fatal(err)
	}
	rotated := openEncrypt(t, settings, newKeyValue, oldKey)
	if err := rotated.Put(ctx, "new", strings.NewReader("written under the new key"), -1, ""); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"old": "written under the old key", "new": "written under the new key"} {
		if got := read(t, rotated, key); got != want {
			t.Errorf("after rotation %s = %q, want %q", key, got, want)
		}
	}
	dropped := openEncrypt(t, settings, newKeyValue)
	rc, _, err := dropped.Get(ctx, "old")
	if err == nil {
		_, err = io.ReadAll(rc)
		rc.Close()
	}
	if !errors.Is(err, encrypt.ErrDamaged) {
		t.Errorf("reading an object of a dropped key = %v, want ErrDamaged", err)
	}
	if got := read(t, dropped, "new"); got != "written under the new key" {
		t.Errorf("new = %q", got)
	}
}

func read(t *testing.T, s attachments.Store, key string) string {
	t.Helper()
	rc, _, err := s.Get(t.Context(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSettingsProblemsAtOnce(t *testing.T) {
	_, err := attachments.Open(t.Context(), "encrypt", attachments.Config{Plugins: map[string]string{
		"WEBMAIL_PLUGIN_ENCRYPT_BACKEND": "encrypt",
		"WEBMAIL_PLUGIN_ENCRYPT_KEYS":    "c2hvcnQ=",
	}})
	for _, want := range []string{"cannot wrap itself", "key 1 is not 32 bytes"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Open with bad settings = %v, want a problem %q", err, want)
		}
	}
}
