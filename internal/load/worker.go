package load

import (
	"math/rand/v2"
	"net/http"

	"github.com/emersion/go-imap/v2/imapclient"
)

// worker is one closed-loop client: one user, its own cookies, and for
// the floor operations its own IMAP connection.
type worker struct {
	cfg       Config
	user      User
	uids      []uint32 // the user's INBOX, newest first
	htmlUIDs  []uint32 // its HTML messages (htmlCriteria), newest first; view-html only
	index     int
	iteration int
	rand      *rand.Rand
	web       *http.Client
	imap      *imapclient.Client
}

// viewUID is the message this iteration opens from uids (the user's
// INBOX, or its HTML messages): the workers walk the newest ViewSpread of
// them from different starting points.
func (w *worker) viewUID(uids []uint32) uint32 {
	spread := min(len(uids), w.cfg.ViewSpread)
	return uids[(w.index*37+w.iteration)%spread]
}

func (w *worker) close() {
	if w.imap != nil {
		w.imap.Logout().Wait()
		w.imap.Close()
	}
	if w.web != nil {
		w.web.CloseIdleConnections()
	}
}
