package load

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// listItems is what the list page fetches for each row.
var listItems = &imap.FetchOptions{UID: true, Envelope: true, Flags: true, InternalDate: true,
	RFC822Size: true, BodyStructure: &imap.FetchItemBodyStructure{Extended: true}}

// dialIMAP logs in to the IMAP server and selects INBOX.
func dialIMAP(ctx context.Context, cfg Config, user User) (*imapclient.Client, error) {
	c, err := imapclient.DialInsecure(cfg.IMAPAddr, nil)
	if err != nil {
		return nil, fmt.Errorf("load: imap: %w", err)
	}
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	if err := c.Login(user.Email, user.Password).Wait(); err != nil {
		c.Close()
		return nil, fmt.Errorf("load: imap login %s: %w", user.Email, err)
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		c.Close()
		return nil, fmt.Errorf("load: imap select: %w", err)
	}
	return c, nil
}

func openIMAP(ctx context.Context, w *worker) error {
	var err error
	w.imap, err = dialIMAP(ctx, w.cfg, w.user)
	return err
}

// newestSet is the UIDs of the list's first page.
func (w *worker) newestSet() imap.UIDSet {
	var set imap.UIDSet
	for _, uid := range w.uids[:min(50, len(w.uids))] {
		set.AddNum(imap.UID(uid))
	}
	return set
}

func fetchRows(ctx context.Context, w *worker) error {
	msgs, err := w.imap.Fetch(w.newestSet(), listItems).Collect()
	if err == nil && len(msgs) == 0 {
		err = errors.New("load: imap: no rows")
	}
	return err
}

func fetchMessage(ctx context.Context, w *worker) error {
	var one imap.UIDSet
	one.AddNum(imap.UID(w.viewUID(w.uids)))
	_, err := w.imap.Fetch(one, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}}).Collect()
	return err
}

// loginFetch is the cheapest whole visit: a fresh connection, LOGIN,
// SELECT, the list's rows, LOGOUT.
func loginFetch(ctx context.Context, w *worker) error {
	c, err := dialIMAP(ctx, w.cfg, w.user)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.Fetch(w.newestSet(), listItems).Collect(); err != nil {
		return err
	}
	return c.Logout().Wait()
}

// newestUIDs learns each user's INBOX UIDs that match criteria (nil:
// all), newest first; a user with none has no entry.
func newestUIDs(ctx context.Context, cfg Config, criteria *imap.SearchCriteria) (map[string][]uint32, error) {
	if criteria == nil {
		criteria = &imap.SearchCriteria{}
	}
	out := map[string][]uint32{}
	for _, u := range cfg.Users {
		if _, done := out[u.Email]; done {
			continue
		}
		c, err := dialIMAP(ctx, cfg, u)
		if err != nil {
			return nil, err
		}
		data, err := c.UIDSearch(criteria, nil).Wait()
		c.Logout().Wait()
		c.Close()
		if err != nil {
			return nil, fmt.Errorf("load: imap search: %w", err)
		}
		var uids []uint32
		for _, uid := range data.AllUIDs() {
			uids = append(uids, uint32(uid))
		}
		slices.Sort(uids)
		slices.Reverse(uids)
		if len(uids) > 0 {
			out[u.Email] = uids
		}
	}
	return out, nil
}
