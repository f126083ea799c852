package attachments

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

func init() {
	Register("s3", openS3)
}

// S3 is the "s3" backend: one object per key in an S3-compatible bucket
// (Amazon S3, MinIO, ...). S3 itself makes every PUT atomic and every GET a
// consistent stream of one version, which is all the Store contract needs.
//
// Settings:
//
//	endpoint       host:port of the S3 API (required)
//	bucket         bucket name (required)
//	access_key     access key ID
//	secret_key     secret access key
//	region         default us-east-1
//	secure         "true" (HTTPS, the default) or "false"
//	prefix         optional prefix for every object name, e.g. "webmail"
//	create_bucket  "true" to create the bucket when it is missing
type S3 struct {
	client *minio.Client
	core   minio.Core // the same client, for its lower-level calls
	bucket string
	prefix string // "" or ends with "/"
}

var _ Store = (*S3)(nil)
var _ Sweeper = (*S3)(nil)

// S3PartSize is the multipart part size the s3 backend uploads with. It is
// also the most memory one Put uses: minio-go buffers one part at a time
// when the size is unknown or larger than one part. 8 MiB keeps a 100 MB
// upload through the HTTP handler under the 32 MiB growth budget (16 MiB
// parts measured 32.5 MiB with garbage not yet collected, 8 MiB 21.5 MiB);
// with S3's limit of 10,000 parts it still allows objects up to about
// 78 GiB, far above any mail server's message size.
const S3PartSize = 8 << 20

// openS3 is the Factory of the "s3" backend.
func openS3(ctx context.Context, cfg Config) (Store, error) {
	secure, err := strconv.ParseBool(cfg.setting("secure", "true"))
	if err != nil {
		return nil, fmt.Errorf("attachments: s3: setting secure: %w", err)
	}
	createBucket, err := strconv.ParseBool(cfg.setting("create_bucket", "false"))
	if err != nil {
		return nil, fmt.Errorf("attachments: s3: setting create_bucket: %w", err)
	}
	return NewS3(ctx, S3Options{
		Endpoint:     cfg.setting("endpoint", ""),
		Bucket:       cfg.setting("bucket", ""),
		AccessKey:    cfg.setting("access_key", ""),
		SecretKey:    cfg.setting("secret_key", ""),
		Region:       cfg.setting("region", "us-east-1"),
		Secure:       secure,
		Prefix:       cfg.setting("prefix", ""),
		CreateBucket: createBucket,
	})
}

// S3Options configures NewS3; the fields match the backend's settings.
type S3Options struct {
	// Endpoint is host:port of the S3 API.
	Endpoint string
	// Bucket is the bucket holding the objects.
	Bucket string
	// AccessKey is the access key ID.
	AccessKey string
	// SecretKey is the secret access key.
	SecretKey string
	// Region is the bucket's region; empty means us-east-1.
	Region string
	// Secure selects HTTPS.
	Secure bool
	// Prefix is put in front of every object name, followed by a slash.
	Prefix string
	// CreateBucket creates the bucket if it does not exist.
	CreateBucket bool
}

// NewS3 returns an S3 backend. With CreateBucket it talks to the server to
// create the bucket; otherwise it does not check that the server answers
// (Ping does).
func NewS3(ctx context.Context, opts S3Options) (*S3, error) {
	if opts.Endpoint == "" {
		return nil, errors.New("attachments: s3: setting endpoint is required")
	}
	if opts.Bucket == "" {
		return nil, errors.New("attachments: s3: setting bucket is required")
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	prefix := strings.Trim(opts.Prefix, "/")
	if prefix != "" {
		if err := ValidKey(prefix); err != nil {
			return nil, fmt.Errorf("attachments: s3: setting prefix: %w", err)
		}
		prefix += "/"
	}
	client, err := minio.New(opts.Endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(opts.AccessKey, opts.SecretKey, ""),
		Secure: opts.Secure,
		Region: opts.Region,
	})
	if err != nil {
		return nil, fmt.Errorf("attachments: s3: %w", err)
	}
	s := &S3{client: client, core: minio.Core{Client: client}, bucket: opts.Bucket, prefix: prefix}
	if opts.CreateBucket {
		if err := s.createBucket(ctx, opts.Region); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// createBucket creates the bucket unless it exists.
func (s *S3) createBucket(ctx context.Context, region string) error {
	exists, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("attachments: s3: bucket %q: %w", s.bucket, err)
	}
	if exists {
		return nil
	}
	err = s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{Region: region})
	// Another instance starting at the same time may have won the race.
	if code := minio.ToErrorResponse(err).Code; err != nil && code != minio.BucketAlreadyOwnedByYou && code != minio.BucketAlreadyExists {
		return fmt.Errorf("attachments: s3: create bucket %q: %w", s.bucket, err)
	}
	return nil
}

// object returns the object name of key.
func (s *S3) object(key string) string {
	return s.prefix + key
}

// wrap maps S3's "no such key" to ErrNotFound and wraps other errors.
func (s *S3) wrap(op, key string, err error) error {
	if minio.ToErrorResponse(err).Code == minio.NoSuchKey {
		return fmt.Errorf("attachments: s3: %s %q: %w", op, key, ErrNotFound)
	}
	return fmt.Errorf("attachments: s3: %s %q: %w", op, key, err)
}

// Put implements Store.
func (s *S3) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	contentType, err := checkPut(key, size, contentType)
	if err != nil {
		return err
	}
	// newExactReader also hides io.ReaderAt, with which minio-go would
	// upload several parts in parallel, each with its own buffer.
	body := newExactReader(r, size)
	if size == 0 {
		// minio-go sends no body for an empty object, so nothing would
		// ever read r to notice it is not empty.
		if _, err := body.Read(make([]byte, 1)); err != io.EOF {
			return fmt.Errorf("attachments: s3: put %q: %w", key, err)
		}
	}
	_, err = s.client.PutObject(ctx, s.bucket, s.object(key), body, size, minio.PutObjectOptions{
		ContentType: contentType,
		PartSize:    S3PartSize,
	})
	if mismatch := body.mismatch(); mismatch != nil {
		return fmt.Errorf("attachments: s3: put %q: %w", key, mismatch)
	}
	if err != nil {
		return s.wrap("put", key, err)
	}
	return nil
}

// Get implements Store.
func (s *S3) Get(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	if err := ValidKey(key); err != nil {
		return nil, Info{}, err
	}
	// Core.GetObject is one GET whose response gives both the Info and the
	// body. (Client.GetObject is lazy and re-requests on its own: Stat before
	// Read sends a HEAD and then a GET with If-Match, which fails if a Put
	// lands in between, and Stat after Read changes the size it uses to stop
	// reading.)
	body, st, _, err := s.core.GetObject(ctx, s.bucket, s.object(key), minio.GetObjectOptions{})
	if err != nil {
		return nil, Info{}, s.wrap("get", key, err)
	}
	return body, s.info(key, st), nil
}

// info turns minio's description of an object into an Info.
func (s *S3) info(key string, st minio.ObjectInfo) Info {
	return Info{Key: key, Size: st.Size, ContentType: st.ContentType, Modified: st.LastModified}
}

// Stat implements Store.
func (s *S3) Stat(ctx context.Context, key string) (Info, error) {
	if err := ValidKey(key); err != nil {
		return Info{}, err
	}
	st, err := s.client.StatObject(ctx, s.bucket, s.object(key), minio.StatObjectOptions{})
	if err != nil {
		return Info{}, s.wrap("stat", key, err)
	}
	return s.info(key, st), nil
}

// Delete implements Store. S3 itself treats deleting a missing key as success.
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := ValidKey(key); err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.bucket, s.object(key), minio.RemoveObjectOptions{}); err != nil {
		return s.wrap("delete", key, err)
	}
	return nil
}

// Ping implements Store: the server answers and the bucket exists.
func (s *S3) Ping(ctx context.Context) error {
	exists, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return fmt.Errorf("attachments: s3: ping: %w", err)
	}
	if !exists {
		return fmt.Errorf("attachments: s3: ping: bucket %q does not exist", s.bucket)
	}
	return nil
}

// Sweep implements Sweeper: it aborts multipart uploads under the prefix
// that were started more than olderThan ago (a process that died in the
// middle of a Put leaves one behind, and the server keeps its parts).
func (s *S3) Sweep(ctx context.Context, olderThan time.Duration) (int, error) {
	cutoff := time.Now().Add(-olderThan)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listing if we return early
	removed := 0
	for upload := range s.client.ListIncompleteUploads(ctx, s.bucket, s.prefix, true) {
		if upload.Err != nil {
			return removed, fmt.Errorf("attachments: s3: sweep: %w", upload.Err)
		}
		if !upload.Initiated.Before(cutoff) {
			continue
		}
		if err := s.core.AbortMultipartUpload(ctx, s.bucket, upload.Key, upload.UploadID); err != nil {
			return removed, fmt.Errorf("attachments: s3: sweep %q: %w", upload.Key, err)
		}
		removed++
	}
	return removed, nil
}
