package handlers_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/webmail/webmail/app/loginlimit"
	"github.com/webmail/webmail/internal/demo"
)

// TestLoginLimitHoldsUnderParallelGuesses: guesses sent at once cannot all
// pass the check before any of them is counted. With 3 failures allowed,
// at most 3 of 12 parallel wrong passwords reach the IMAP server.
func TestLoginLimitHoldsUnderParallelGuesses(t *testing.T) {
	for name, counter := range counters(t) {
		t.Run(name, func(t *testing.T) {
			f := newClusterFixture(t, counter, loginlimit.Limits{PerUser: 3, PerIP: 1000, Window: 15 * time.Minute})
			before := f.imapContacts()
			var wg sync.WaitGroup
			var mu sync.Mutex
			statuses := map[int]int{}
			for i := 0; i < 12; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					resp, _ := f.login(t, (&fixture{}).client(), demo.DefaultUser, "guess", nil)
					mu.Lock()
					statuses[resp.StatusCode]++
					mu.Unlock()
				}()
			}
			wg.Wait()
			if statuses[http.StatusUnauthorized] > 3 || statuses[http.StatusUnauthorized]+statuses[http.StatusTooManyRequests] != 12 {
				t.Fatalf("statuses %v: want at most 3 tried (401) and the rest refused (429)", statuses)
			}
			if tried := f.imapContacts() - before; tried > 3 {
				t.Fatalf("%d guesses reached the IMAP server, want at most 3", tried)
			}
			// The right password is refused too now, without asking IMAP.
			resp, _ := f.login(t, (&fixture{}).client(), demo.DefaultUser, demo.DefaultPassword, nil)
			if resp.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("after the burst: %d, want 429", resp.StatusCode)
			}
		})
	}
}
