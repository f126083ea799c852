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

// viewUID is the message this iteration opens: the workers walk the
// newest ViewSpread messages from different starting points.
func (w *worker) viewUID() uint32 {
	spread := min(len(w.uids), w.cfg.ViewSpread)
	return w.uids[(w.index*37+w.iteration)%spread]
}

// viewHTMLUID is viewUID among the HTML messages.
func (w *worker) viewHTMLUID() uint32 {
	spread := min(len(w.htmlUIDs), w.cfg.ViewSpread)
	return w.htmlUIDs[(w.index*37+w.iteration)%spread]
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
