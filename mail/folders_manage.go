package mail

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/emersion/go-imap/v2"
)

// ErrMailboxExists reports that a mailbox with the wanted name exists
// already.
var ErrMailboxExists = errors.New("mail: mailbox already exists")

// ErrBadMailboxName reports a mailbox name the server would misread: empty,
// or with LIST wildcards or control characters in it.
var ErrBadMailboxName = errors.New("mail: bad mailbox name")

// ErrSubscriptionsUnsupported reports a server that cannot list
// subscriptions with LIST (SUBSCRIBED) (neither LIST-EXTENDED nor
// IMAP4rev2).
var ErrSubscriptionsUnsupported = errors.New("mail: server cannot list subscriptions")

// checkMailboxName rejects names that would be ambiguous on the wire: "*"
// and "%" are LIST wildcards, so a mailbox named with them could never be
// listed on its own.
func checkMailboxName(name string) error {
	if strings.TrimSpace(name) == "" {
		return fmt.Errorf("mail: empty mailbox name: %w", ErrBadMailboxName)
	}
	if strings.ContainsAny(name, "*%") || strings.ContainsFunc(name, unicode.IsControl) {
		return fmt.Errorf("mail: mailbox name %q: %w", name, ErrBadMailboxName)
	}
	return nil
}

// manageError adds the sentinel errors for the response codes of CREATE
// and RENAME (RFC 5530) to err.
func manageError(err error) error {
	var imapErr *imap.Error
	if err == nil || !errors.As(err, &imapErr) {
		return err
	}
	switch imapErr.Code {
	case imap.ResponseCodeAlreadyExists:
		return fmt.Errorf("%w: %w", ErrMailboxExists, err)
	case imap.ResponseCodeNonExistent:
		if !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("%w: %w", ErrNotFound, err)
		}
	}
	return err
}

// CreateMailbox creates the mailbox name (the full name, parents joined
// with the server's delimiter). Missing parents are created by the server.
// An existing name is ErrMailboxExists.
func (c *Client) CreateMailbox(ctx context.Context, name string) error {
	if err := checkMailboxName(name); err != nil {
		return err
	}
	err := c.do(ctx, "create "+name, func() error {
		return c.imap.Create(name, nil).Wait()
	})
	return manageError(err)
}

// RenameMailbox renames the mailbox from to to, which also moves it under
// another parent when the new name says so. Mailboxes under from move
// along: the server does that (RFC 3501 6.3.5), and where it did not (some
// servers only rename the one mailbox) they are renamed one by one.
// Subscriptions follow the new names. INBOX is refused: renaming it moves
// its messages instead, which is not what a user renaming a folder means.
func (c *Client) RenameMailbox(ctx context.Context, from, to string) error {
	if strings.EqualFold(from, "INBOX") {
		return fmt.Errorf("mail: rename INBOX: %w", ErrBadMailboxName)
	}
	if err := checkMailboxName(to); err != nil {
		return err
	}
	if from == to {
		return nil
	}
	delim, err := c.delimiter(ctx)
	if err != nil {
		return err
	}
	if delim != 0 && strings.HasPrefix(to, from+string(delim)) {
		return fmt.Errorf("mail: rename %s into itself: %w", from, ErrBadMailboxName)
	}
	subscribed, err := c.Subscriptions(ctx)
	if err != nil && !errors.Is(err, ErrSubscriptionsUnsupported) {
		return err
	}
	old, err := c.subtree(ctx, from, delim)
	if err != nil {
		return err
	}
	c.unselectIf(ctx, old...)
	err = c.do(ctx, "rename "+from, func() error {
		return c.imap.Rename(from, to, nil).Wait()
	})
	if err = manageError(err); err != nil {
		return err
	}
	// Children the server left behind keep their old names: move them too.
	left, err := c.subtree(ctx, from, delim)
	if err != nil {
		return err
	}
	for _, name := range left {
		if name == from {
			continue
		}
		newName := to + strings.TrimPrefix(name, from)
		err := c.do(ctx, "rename "+name, func() error {
			return c.imap.Rename(name, newName, nil).Wait()
		})
		if err = manageError(err); err != nil {
			return err
		}
	}
	for _, name := range old {
		if subscribed[name] {
			newName := to + strings.TrimPrefix(name, from)
			c.setSubscribedQuietly(ctx, newName, true)
			c.setSubscribedQuietly(ctx, name, false)
		}
	}
	return nil
}

// DeleteMailbox deletes the mailbox name and every mailbox under it, with
// their messages, deepest first (servers refuse to delete a mailbox with
// children, or keep it as a \Noselect shell), and drops their
// subscriptions. INBOX is refused.
func (c *Client) DeleteMailbox(ctx context.Context, name string) error {
	if strings.EqualFold(name, "INBOX") {
		return fmt.Errorf("mail: delete INBOX: %w", ErrBadMailboxName)
	}
	delim, err := c.delimiter(ctx)
	if err != nil {
		return err
	}
	names, err := c.subtree(ctx, name, delim)
	if err != nil {
		return err
	}
	if len(names) == 0 {
		return fmt.Errorf("mail: delete %s: %w", name, ErrNotFound)
	}
	c.unselectIf(ctx, names...)
	// Deepest first: a child's name is longer than its parent's.
	sort.Slice(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
	for _, n := range names {
		err := c.do(ctx, "delete "+n, func() error { return c.imap.Delete(n).Wait() })
		if err = manageError(err); err != nil && !(n != name && errors.Is(err, ErrNotFound)) {
			return err
		}
		c.setSubscribedQuietly(ctx, n, false)
	}
	return nil
}

// SetSubscribed subscribes to (subscribed) or unsubscribes from mailbox.
func (c *Client) SetSubscribed(ctx context.Context, mailbox string, subscribed bool) error {
	op := "unsubscribe " + mailbox
	if subscribed {
		op = "subscribe " + mailbox
	}
	err := c.do(ctx, op, func() error {
		if subscribed {
			return c.imap.Subscribe(mailbox).Wait()
		}
		return c.imap.Unsubscribe(mailbox).Wait()
	})
	return manageError(err)
}

// setSubscribedQuietly changes a subscription as a side effect of another
// change; a server that refuses (not subscribed in the first place) is
// not an error worth failing the change for.
func (c *Client) setSubscribedQuietly(ctx context.Context, mailbox string, subscribed bool) {
	_ = c.SetSubscribed(ctx, mailbox, subscribed)
}

// Subscriptions returns the set of subscribed mailbox names, from LIST
// (SUBSCRIBED). Servers without LIST-EXTENDED or IMAP4rev2 give
// ErrSubscriptionsUnsupported.
func (c *Client) Subscriptions(ctx context.Context) (map[string]bool, error) {
	var list []*imap.ListData
	supported := false
	err := c.do(ctx, "list subscriptions", func() error {
		caps := c.imap.Caps()
		supported = caps.Has(imap.CapListExtended) || caps.Has(imap.CapIMAP4rev2)
		if !supported {
			return nil
		}
		var err error
		list, err = c.imap.List("", "*", &imap.ListOptions{SelectSubscribed: true}).Collect()
		return err
	})
	if err != nil {
		return nil, err
	}
	if !supported {
		return nil, ErrSubscriptionsUnsupported
	}
	subscribed := make(map[string]bool, len(list))
	for _, data := range list {
		name := data.Mailbox
		if strings.EqualFold(name, "INBOX") {
			name = "INBOX"
		}
		subscribed[name] = true
	}
	return subscribed, nil
}

// delimiter returns the server's hierarchy delimiter (LIST "" ""), 0 for a
// flat namespace.
func (c *Client) delimiter(ctx context.Context) (rune, error) {
	var delim rune
	err := c.do(ctx, "list delimiter", func() error {
		list, err := c.imap.List("", "", nil).Collect()
		if len(list) > 0 {
			delim = list[0].Delim
		}
		return err
	})
	return delim, err
}

// subtree lists name and every mailbox below it that exists on the server
// (\NonExistent placeholders left out).
func (c *Client) subtree(ctx context.Context, name string, delim rune) ([]string, error) {
	patterns := []string{name}
	if delim != 0 {
		patterns = append(patterns, name+string(delim)+"*")
	}
	var names []string
	err := c.do(ctx, "list "+name, func() error {
		for _, pattern := range patterns {
			list, err := c.imap.List("", pattern, nil).Collect()
			if err != nil {
				return err
			}
			for _, data := range list {
				// A name with "*" or "%" in it, made by another client, is a
				// pattern that matches other mailboxes too: keep only the
				// subtree itself.
				inside := data.Mailbox == name || (delim != 0 && strings.HasPrefix(data.Mailbox, name+string(delim)))
				if !inside || hasAnyAttr(data.Attrs, imap.MailboxAttrNonExistent) || slices.Contains(names, data.Mailbox) {
					continue
				}
				names = append(names, data.Mailbox)
			}
		}
		return nil
	})
	return names, err
}

func hasAnyAttr(attrs []imap.MailboxAttr, want imap.MailboxAttr) bool {
	for _, a := range attrs {
		if hasAttr(a, want) {
			return true
		}
	}
	return false
}

// unselectIf leaves the selected mailbox when it is one of names, so the
// server never has to rename or delete the mailbox this connection has
// open. A failure here breaks at worst the connection, which the pool
// replaces; the rename or delete then reports it.
func (c *Client) unselectIf(ctx context.Context, names ...string) {
	if c.selected == "" {
		return
	}
	for _, n := range names {
		if n != c.selected {
			continue
		}
		_ = c.do(ctx, "unselect "+n, func() error {
			if c.imap.Caps().Has(imap.CapUnselect) || c.imap.Caps().Has(imap.CapIMAP4rev2) {
				return c.imap.Unselect().Wait()
			}
			// CLOSE expunges \Deleted messages, which is what the user
			// is about to do to this mailbox anyway.
			return c.imap.UnselectAndExpunge().Wait()
		})
		c.selected = ""
		return
	}
}
