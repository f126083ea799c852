package mime

import (
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"testing"

	"github.com/emersion/go-message"

	"github.com/webmail/webmail/internal/testenv"
)

// noiseReader yields n pseudo-random bytes (xorshift: incompressible, and
// cheap to make) and hashes what it yields: an attachment that is never
// in memory whole.
type noiseReader struct {
	left  int64
	state uint64
	sum   hash.Hash
}

func newNoise(n int64) *noiseReader {
	return &noiseReader{left: n, state: 0x9e3779b97f4a7c15, sum: sha256.New()}
}

func (r *noiseReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), r.left)]
	for i := range p {
		if i%8 == 0 {
			r.state ^= r.state << 13
			r.state ^= r.state >> 7
			r.state ^= r.state << 17
		}
		p[i] = byte(r.state >> (8 * (i % 8)))
	}
	r.left -= int64(len(p))
	r.sum.Write(p)
	return len(p), nil
}

func (r *noiseReader) Close() error { return nil }

// TestBuildStreamsLargeAttachment builds a message with a 100 MB
// attachment into a pipe that a go-message reader decodes as it arrives,
// and checks that the heap never holds more than a small part of it.
func TestBuildStreamsLargeAttachment(t *testing.T) {
	const size = 100 << 20
	const maxGrowth = 32 << 20
	noise := newNoise(size)
	m := Outgoing{
		From: Address{Email: "a@example.test"}, To: []Address{{Email: "b@example.test"}},
		HTML:        "<p>The file is attached.</p>",
		Attachments: []Attachment{{Filename: "große Datei.bin", ContentType: "application/octet-stream", Open: func() (io.ReadCloser, error) { return noise, nil }}},
	}

	heap := testenv.WatchHeap(t)
	pr, pw := io.Pipe()
	built := make(chan error, 1)
	go func() {
		_, err := Build(pw, m)
		pw.CloseWithError(err)
		built <- err
	}()
	var rawBytes int64
	counted := &countingReader{r: pr, n: &rawBytes}
	e, err := message.Read(counted)
	if err != nil {
		t.Fatal(err)
	}
	mr := e.MultipartReader()
	if mr == nil {
		t.Fatal("not multipart")
	}
	if _, err := mr.NextPart(); err != nil { // the text
		t.Fatal(err)
	}
	part, err := mr.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	decoded := sha256.New()
	n, err := io.Copy(decoded, part.Body)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, counted)
	if err := <-built; err != nil {
		t.Fatalf("Build: %v", err)
	}
	growth := heap.Stop()
	t.Logf("100 MB attachment: %d bytes of message, peak heap growth %.1f MiB", rawBytes, float64(growth)/(1<<20))
	if n != size || hex.EncodeToString(decoded.Sum(nil)) != hex.EncodeToString(noise.sum.Sum(nil)) {
		t.Fatalf("decoded %d bytes with another hash; want the %d bytes given", n, size)
	}
	if growth > maxGrowth {
		t.Errorf("heap grew by %d MiB while building, want under %d MiB: the attachment is not streamed", growth>>20, maxGrowth>>20)
	}
}

type countingReader struct {
	r io.Reader
	n *int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	return n, err
}
