package attachmentstest

import (
	"encoding/binary"
	"io"
)

// patternReader yields a deterministic pseudo-random stream without holding
// it: byte i depends only on the seed and i.
type patternReader struct {
	seed      uint64
	offset    int64
	remaining int64
}

func newPatternReader(seed uint64, size int64) *patternReader {
	return &patternReader{seed: seed, remaining: size}
}

func (p *patternReader) Read(b []byte) (int, error) {
	if p.remaining == 0 {
		return 0, io.EOF
	}
	if int64(len(b)) > p.remaining {
		b = b[:p.remaining]
	}
	var word [8]byte
	for i := range b {
		offset := p.offset + int64(i)
		if i == 0 || offset%8 == 0 {
			binary.LittleEndian.PutUint64(word[:], splitmix64(p.seed^uint64(offset/8)*0x9e3779b97f4a7c15))
		}
		b[i] = word[offset%8]
	}
	p.offset += int64(len(b))
	p.remaining -= int64(len(b))
	return len(b), nil
}

// splitmix64 is a fast, well-mixing hash of x.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// pattern returns n bytes of the pattern for seed.
func pattern(seed uint64, n int) []byte {
	b := make([]byte, n)
	io.ReadFull(newPatternReader(seed, int64(n)), b)
	return b
}
