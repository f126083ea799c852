package testenv

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
)

// LargeAttachmentMessage builds a multipart/mixed message with a short
// text part and, as part 2, an attachment "large.bin" of size
// pseudo-random bytes in base64 (76-character lines, CRLF), as mailers
// send it. It returns the message and the SHA-256 of the attachment's
// decoded bytes, so a test can check a download without holding it.
func LargeAttachmentMessage(size int, seed uint64) (raw []byte, sum [sha256.Size]byte) {
	rng := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), byte(seed >> 16), byte(seed >> 24)})
	var msg bytes.Buffer
	msg.Grow(size*4/3 + size/38 + 1024)
	fmt.Fprintf(&msg, "From: Sender <sender@example.org>\r\nTo: reader@example.test\r\nSubject: Large attachment (%d bytes)\r\nDate: Mon, 01 Jan 2024 12:00:00 +0000\r\nMessage-ID: <large-%d@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"large-boundary\"\r\n\r\n", size, seed)
	msg.WriteString("--large-boundary\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe attachment is large.\r\n")
	msg.WriteString("--large-boundary\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"large.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	hash := sha256.New()
	chunk := make([]byte, 57*1024) // 57 bytes are one 76-character line
	line := make([]byte, 76)
	for left := size; left > 0; {
		n := min(left, len(chunk))
		rng.Read(chunk[:n])
		hash.Write(chunk[:n])
		for i := 0; i < n; i += 57 {
			end := min(i+57, n)
			encoded := line[:base64.StdEncoding.EncodedLen(end-i)]
			base64.StdEncoding.Encode(encoded, chunk[i:end])
			msg.Write(encoded)
			msg.WriteString("\r\n")
		}
		left -= n
	}
	msg.WriteString("--large-boundary--\r\n")
	copy(sum[:], hash.Sum(nil))
	return msg.Bytes(), sum
}
