package attachmentstest

import (
	"bytes"
	"io"
	"runtime"
	"testing"
)

// The memory check must notice a store that buffers a whole object.
func TestHeapWatcherSeesBuffering(t *testing.T) {
	h := watchHeap(t)
	buffered, err := io.ReadAll(newPatternReader(1, StreamSize))
	if err != nil {
		t.Fatal(err)
	}
	growth := h.stop()
	runtime.KeepAlive(buffered)
	if growth < MaxHeapGrowth {
		t.Errorf("peak heap growth %d MiB while holding %d MiB, want more than the limit %d MiB",
			growth>>20, StreamSize>>20, MaxHeapGrowth>>20)
	}
}

func TestPatternReaderIsDeterministic(t *testing.T) {
	whole := pattern(5, 1000)
	var pieces bytes.Buffer
	r := newPatternReader(5, 1000)
	buf := make([]byte, 7)
	for {
		n, err := r.Read(buf)
		pieces.Write(buf[:n])
		if err == io.EOF {
			break
		}
	}
	if !bytes.Equal(whole, pieces.Bytes()) {
		t.Errorf("the pattern depends on how it is read")
	}
	if bytes.Equal(whole, pattern(6, 1000)) {
		t.Errorf("different seeds give the same pattern")
	}
}
