package mail

import (
	"context"
	"errors"
	"fmt"
)

// Special uses the compose side looks for (see Mailbox.SpecialUse).
const (
	SpecialSent   = "sent"
	SpecialDrafts = "drafts"
)

// SentMailbox returns the user's Sent folder: the mailbox with the \Sent
// SPECIAL-USE attribute, else the best-known name ("Sent", "Sent Items",
// ...), as SpecialMailbox finds it. When there is none it is created as
// "Sent", so a sent message always has a home.
func (c *Client) SentMailbox(ctx context.Context) (string, error) {
	return c.specialOrCreate(ctx, SpecialSent, "Sent")
}

// DraftsMailbox returns the user's Drafts folder like SentMailbox,
// creating "Drafts" when there is none.
func (c *Client) DraftsMailbox(ctx context.Context) (string, error) {
	return c.specialOrCreate(ctx, SpecialDrafts, "Drafts")
}

func (c *Client) specialOrCreate(ctx context.Context, use, name string) (string, error) {
	found, err := c.SpecialMailbox(ctx, use)
	if err == nil || !errors.Is(err, ErrNotFound) {
		return found, err
	}
	if err := c.CreateMailbox(ctx, name); err != nil && !errors.Is(err, ErrMailboxExists) {
		return "", fmt.Errorf("mail: create %s mailbox: %w", use, err)
	}
	// An existing "Sent" the lookup skipped (a \Noselect container, say)
	// is not usable either: look again rather than trust the name.
	found, err = c.SpecialMailbox(ctx, use)
	if err != nil {
		return "", fmt.Errorf("mail: %s mailbox after creating %q: %w", use, name, err)
	}
	return found, nil
}
