package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// ComposeKind says how a compose began.
type ComposeKind string

// The kinds of compose.
const (
	ComposeNew             ComposeKind = "new"
	ComposeReply           ComposeKind = "reply"
	ComposeReplyAll        ComposeKind = "replyall"
	ComposeForward         ComposeKind = "forward"
	ComposeForwardAttached ComposeKind = "forward-attached"
	ComposeDraft           ComposeKind = "draft" // continues a message from the Drafts folder
)

// ComposeState is where a compose is in its life.
type ComposeState string

// The states of a compose: open while written, sending from the moment it
// is handed to the outbox (a cancelled send makes it open again), sent
// once the outbox has delivered it.
const (
	ComposeOpen    ComposeState = "open"
	ComposeSending ComposeState = "sending"
	ComposeSent    ComposeState = "sent"
)

// The formats of a compose's body.
const (
	FormatText = "text"
	FormatHTML = "html"
)

// Compose is a message being written. It lives under an unguessable ID so
// that any instance can continue it; Revision goes up by one on every
// change, which is how two tabs saving the same compose notice each other.
type Compose struct {
	ID              string
	UserID          int64
	Revision        int64
	IdentityID      int64 // 0: none chosen yet
	To, Cc, Bcc     string
	Subject         string
	BodyText        string
	BodyHTML        string
	Format          string // FormatText or FormatHTML
	InReplyTo       string
	References      string
	Kind            ComposeKind
	OrigMailbox     string // the message replied to or forwarded, or the draft continued
	OrigUID         uint32
	OrigUIDValidity uint32
	DraftMailbox    string // the copy in the Drafts folder that the next save replaces
	DraftUID        uint32
	Priority        int // X-Priority 1 (highest) to 5; 0: not set
	ReadReceipt     bool
	State           ComposeState
	Created         time.Time
	Updated         time.Time
}

// ErrStaleCompose is returned by SaveCompose when the compose changed
// since the revision the caller read (another tab saved it): nothing was
// written, and the compose as stored is returned with the error so the
// page can say so and show the other save.
var ErrStaleCompose = errors.New("store: compose was saved elsewhere meanwhile")

// ErrComposeNotOpen is returned by SaveCompose for a compose that is being
// sent or was sent, with the compose as stored.
var ErrComposeNotOpen = errors.New("store: compose is being sent or was sent")

// ErrInvalidCompose reports a compose field that is too long for its column
// or a kind, format or state that does not exist.
var ErrInvalidCompose = errors.New("store: compose field invalid or too long")

// Column sizes of composes.
const (
	maxComposeText    = 65535    // TEXT: addresses, subject, threading headers
	maxComposeBody    = 16777215 // MEDIUMTEXT
	maxComposeMailbox = 1024
)

func validCompose(c Compose) bool {
	kinds := []ComposeKind{ComposeNew, ComposeReply, ComposeReplyAll, ComposeForward, ComposeForwardAttached, ComposeDraft}
	for _, s := range []string{c.To, c.Cc, c.Bcc, c.Subject, c.InReplyTo, c.References} {
		if len(s) > maxComposeText {
			return false
		}
	}
	return len(c.BodyText) <= maxComposeBody && len(c.BodyHTML) <= maxComposeBody &&
		len(c.OrigMailbox) <= maxComposeMailbox && len(c.DraftMailbox) <= maxComposeMailbox &&
		(c.Format == FormatText || c.Format == FormatHTML) && slices.Contains(kinds, c.Kind)
}

func validComposeState(s ComposeState) bool {
	return s == ComposeOpen || s == ComposeSending || s == ComposeSent
}

const composeColumns = `id, user_id, revision, identity_id, to_addrs, cc_addrs, bcc_addrs, subject,
	body_text, body_html, format, in_reply_to, ref_ids, kind, orig_mailbox, orig_uid, orig_uid_validity,
	draft_mailbox, draft_uid, priority, read_receipt, state, created_at, updated_at`

func scanCompose(scan func(...any) error) (Compose, error) {
	var c Compose
	var origUID, origValidity, draftUID, created, updated int64
	err := scan(&c.ID, &c.UserID, &c.Revision, &c.IdentityID, &c.To, &c.Cc, &c.Bcc, &c.Subject,
		&c.BodyText, &c.BodyHTML, &c.Format, &c.InReplyTo, &c.References, &c.Kind, &c.OrigMailbox,
		&origUID, &origValidity, &c.DraftMailbox, &draftUID, &c.Priority, &c.ReadReceipt, &c.State,
		&created, &updated)
	c.OrigUID, c.OrigUIDValidity, c.DraftUID = uint32(origUID), uint32(origValidity), uint32(draftUID)
	c.Created, c.Updated = fromMillis(created), fromMillis(updated)
	return c, err
}

// CreateCompose stores a new compose for c.UserID under a fresh ID, at
// revision 1 and open, and returns it. An empty Format is text and an
// empty Kind new; c's ID, Revision, State and times are ignored.
func (db *DB) CreateCompose(ctx context.Context, c Compose) (Compose, error) {
	c.ID, c.Revision, c.State = NewID(), 1, ComposeOpen
	if c.Format == "" {
		c.Format = FormatText
	}
	if c.Kind == "" {
		c.Kind = ComposeNew
	}
	if !validCompose(c) {
		return Compose{}, fmt.Errorf("store: create compose for user %d: %w", c.UserID, ErrInvalidCompose)
	}
	t := time.Now().UnixMilli()
	c.Created, c.Updated = fromMillis(t), fromMillis(t)
	_, err := db.write.ExecContext(ctx, `INSERT INTO composes (`+composeColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.UserID, c.Revision, c.IdentityID, c.To, c.Cc, c.Bcc, c.Subject, c.BodyText, c.BodyHTML,
		c.Format, c.InReplyTo, c.References, c.Kind, c.OrigMailbox, c.OrigUID, c.OrigUIDValidity,
		c.DraftMailbox, c.DraftUID, c.Priority, c.ReadReceipt, c.State, t, t)
	if err != nil {
		return Compose{}, fmt.Errorf("store: create compose for user %d: %w", c.UserID, unavailable(err))
	}
	return c, nil
}

// Compose reads the user's compose. Another user's compose, or an ID
// that NewID could not have made, is ErrNotFound. Composes are read from
// the primary: a save a moment ago on another instance must be seen.
func (db *DB) Compose(ctx context.Context, id string, userID int64) (Compose, error) {
	c, err := db.composeOn(ctx, db.write, id, userID)
	if err != nil {
		return Compose{}, fmt.Errorf("store: compose %s: %w", id, err)
	}
	return c, nil
}

// composeOn reads the user's compose through q.
func (db *DB) composeOn(ctx context.Context, q querier, id string, userID int64) (Compose, error) {
	if !validID(id) {
		return Compose{}, ErrNotFound
	}
	c, err := scanCompose(q.QueryRowContext(ctx, `SELECT `+composeColumns+` FROM composes WHERE id = ? AND user_id = ?`, id, userID).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return Compose{}, ErrNotFound
	}
	return c, unavailable(err)
}

// SaveCompose writes what the user edits (identity, addresses, subject,
// bodies, format, priority, read receipt) if the stored compose is still
// at c.Revision and open, and returns c at its new revision. Otherwise it
// writes nothing and returns the compose as stored with ErrStaleCompose
// (another save came first: the caller shows it, the later save wins
// visibly) or ErrComposeNotOpen. Kind, threading and the original message
// are fixed when the compose is created; the Drafts copy has
// SetComposeDraft.
func (db *DB) SaveCompose(ctx context.Context, c Compose) (Compose, error) {
	if !validID(c.ID) {
		return Compose{}, fmt.Errorf("store: save compose %s: %w", c.ID, ErrNotFound)
	}
	if !validCompose(c) {
		return Compose{}, fmt.Errorf("store: save compose %s: %w", c.ID, ErrInvalidCompose)
	}
	t := time.Now().UnixMilli()
	res, err := db.write.ExecContext(ctx, `UPDATE composes SET revision = revision + 1, identity_id = ?,
		to_addrs = ?, cc_addrs = ?, bcc_addrs = ?, subject = ?, body_text = ?, body_html = ?, format = ?,
		priority = ?, read_receipt = ?, updated_at = ?
		WHERE id = ? AND user_id = ? AND revision = ? AND state = ?`,
		c.IdentityID, c.To, c.Cc, c.Bcc, c.Subject, c.BodyText, c.BodyHTML, c.Format, c.Priority,
		c.ReadReceipt, t, c.ID, c.UserID, c.Revision, ComposeOpen)
	if err != nil {
		return Compose{}, fmt.Errorf("store: save compose %s: %w", c.ID, unavailable(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return Compose{}, fmt.Errorf("store: save compose %s: %w", c.ID, unavailable(err))
	}
	// The revision always changes, so MySQL's count of changed rows is
	// the count of matched rows here.
	if n == 1 {
		c.Revision, c.State, c.Updated = c.Revision+1, ComposeOpen, fromMillis(t)
		return c, nil
	}
	current, err := db.composeOn(ctx, db.write, c.ID, c.UserID)
	if err != nil {
		return Compose{}, fmt.Errorf("store: save compose %s: %w", c.ID, err)
	}
	switch {
	case current.State != ComposeOpen:
		return current, fmt.Errorf("store: save compose %s: %w", c.ID, ErrComposeNotOpen)
	default:
		return current, fmt.Errorf("store: save compose %s at revision %d (stored: %d): %w", c.ID, c.Revision, current.Revision, ErrStaleCompose)
	}
}

// SetComposeDraft records the copy of the compose just saved to the
// Drafts folder and returns the one it replaces (an empty mailbox when
// there was none), which the caller then deletes. Two saves at once each
// get a different previous copy, so no copy is left behind or deleted
// twice. The revision does not change: the text did not.
func (db *DB) SetComposeDraft(ctx context.Context, id string, userID int64, mailbox string, uid uint32) (prevMailbox string, prevUID uint32, err error) {
	if !validID(id) {
		return "", 0, fmt.Errorf("store: compose %s draft: %w", id, ErrNotFound)
	}
	if len(mailbox) > maxComposeMailbox {
		return "", 0, fmt.Errorf("store: compose %s draft: %w", id, ErrInvalidCompose)
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return "", 0, fmt.Errorf("store: compose %s draft: %w", id, unavailable(err))
	}
	defer tx.Rollback()
	query := `SELECT draft_mailbox, draft_uid FROM composes WHERE id = ? AND user_id = ?`
	if db.dialect == MySQL {
		query += ` FOR UPDATE`
	}
	var prev int64
	err = tx.QueryRowContext(ctx, query, id, userID).Scan(&prevMailbox, &prev)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, fmt.Errorf("store: compose %s draft: %w", id, ErrNotFound)
	}
	if err != nil {
		return "", 0, fmt.Errorf("store: compose %s draft: %w", id, unavailable(err))
	}
	if _, err := tx.ExecContext(ctx, `UPDATE composes SET draft_mailbox = ?, draft_uid = ? WHERE id = ? AND user_id = ?`,
		mailbox, uid, id, userID); err != nil {
		return "", 0, fmt.Errorf("store: compose %s draft: %w", id, unavailable(err))
	}
	if err := tx.Commit(); err != nil {
		return "", 0, fmt.Errorf("store: compose %s draft: %w", id, unavailable(err))
	}
	return prevMailbox, uint32(prev), nil
}

// MarkComposeState moves the user's compose from state from to state to
// and bumps its revision, and reports whether it did: false when the
// compose was not in state from (another request moved it first: the
// send button clicked twice). ErrNotFound when there is no such compose.
func (db *DB) MarkComposeState(ctx context.Context, id string, userID int64, from, to ComposeState) (bool, error) {
	if !validID(id) {
		return false, fmt.Errorf("store: compose %s state: %w", id, ErrNotFound)
	}
	if !validComposeState(from) || !validComposeState(to) {
		return false, fmt.Errorf("store: compose %s state %q -> %q: %w", id, from, to, ErrInvalidCompose)
	}
	res, err := db.write.ExecContext(ctx, `UPDATE composes SET state = ?, revision = revision + 1, updated_at = ?
		WHERE id = ? AND user_id = ? AND state = ?`, to, time.Now().UnixMilli(), id, userID, from)
	if err != nil {
		return false, fmt.Errorf("store: compose %s state: %w", id, unavailable(err))
	}
	if n, err := res.RowsAffected(); err != nil {
		return false, fmt.Errorf("store: compose %s state: %w", id, unavailable(err))
	} else if n == 1 {
		return true, nil
	}
	if _, err := db.composeOn(ctx, db.write, id, userID); err != nil {
		return false, fmt.Errorf("store: compose %s state: %w", id, err)
	}
	return false, nil
}

// ListOpenComposes lists the user's open composes, most recently saved
// first (unfinished messages the UI can offer to continue).
func (db *DB) ListOpenComposes(ctx context.Context, userID int64) ([]Compose, error) {
	rows, err := db.write.QueryContext(ctx, `SELECT `+composeColumns+` FROM composes
		WHERE user_id = ? AND state = ? ORDER BY updated_at DESC, id`, userID, ComposeOpen)
	if err != nil {
		return nil, fmt.Errorf("store: open composes of user %d: %w", userID, unavailable(err))
	}
	out, err := collectComposes(rows)
	if err != nil {
		return nil, fmt.Errorf("store: open composes of user %d: %w", userID, unavailable(err))
	}
	return out, nil
}

// ComposesOlderThan lists up to limit composes of any user last changed
// before before and not being sent, oldest first, for the cleanup job. A
// compose being sent is kept whatever its age: a cancelled send-later
// brings it back to the user, uploads and all.
func (db *DB) ComposesOlderThan(ctx context.Context, before time.Time, limit int) ([]Compose, error) {
	rows, err := db.write.QueryContext(ctx, `SELECT `+composeColumns+` FROM composes
		WHERE updated_at < ? AND state <> ? ORDER BY updated_at, id LIMIT ?`, before.UnixMilli(), ComposeSending, limit)
	if err != nil {
		return nil, fmt.Errorf("store: old composes: %w", unavailable(err))
	}
	out, err := collectComposes(rows)
	if err != nil {
		return nil, fmt.Errorf("store: old composes: %w", unavailable(err))
	}
	return out, nil
}

func collectComposes(rows *sql.Rows) ([]Compose, error) {
	defer rows.Close()
	var out []Compose
	for rows.Next() {
		c, err := scanCompose(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// DeleteCompose deletes the user's compose; another user's is ErrNotFound.
// Its uploads stay until the caller or the cleanup job deletes them and
// their stored bytes (StaleUploads finds them).
func (db *DB) DeleteCompose(ctx context.Context, id string, userID int64) error {
	if !validID(id) {
		return fmt.Errorf("store: delete compose %s: %w", id, ErrNotFound)
	}
	res, err := db.write.ExecContext(ctx, `DELETE FROM composes WHERE id = ? AND user_id = ?`, id, userID)
	if err != nil {
		return fmt.Errorf("store: delete compose %s: %w", id, unavailable(err))
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("store: delete compose %s: %w", id, ErrNotFound)
	}
	return nil
}
