package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// OutboxState is where an outgoing message is.
type OutboxState string

// The states of an outgoing message. scheduled waits for its due time (the
// undo-send delay, or a send-later time); queued waits to be tried again
// after a temporary failure; sending is leased by one instance that is
// trying it now. sent, failed (refused for good) and cancelled are final.
const (
	OutboxScheduled OutboxState = "scheduled"
	OutboxQueued    OutboxState = "queued"
	OutboxSending   OutboxState = "sending"
	OutboxSent      OutboxState = "sent"
	OutboxFailed    OutboxState = "failed"
	OutboxCancelled OutboxState = "cancelled"
)

// OutboxMessage is a message on its way out: the raw message is in the
// attachment store under StoreKey, and the row carries what a background
// job needs to send it while the user is away.
type OutboxMessage struct {
	ID                int64
	UserID            int64
	ComposeID         string // unique: the idempotency key of a send
	StoreKey          string
	EnvelopeFrom      string
	Recipients        []string
	SealedCredentials []byte // the SMTP credentials, sealed by the caller; never readable here
	SMTPEndpoint      string // URL of the submission server
	MessageID         string
	SaveToSent        bool // the job appends a copy to Sent (false where the server files sent mail)
	State             OutboxState
	DueAt             time.Time // end of the undo-send delay, or the send-later time
	Attempts          int       // tries begun (claims)
	NextAttemptAt     time.Time // when the message may be tried (next)
	LastError         string    // the server's last answer, safe to show the user
	LeaseOwner        string    // the instance trying it while sending
	LeaseUntil        time.Time
	NoticePending     bool // failed, and the user has not been shown the notice yet
	Created           time.Time
	SentAt            time.Time
}

// ErrOutboxLeaseLost is returned to an instance that reports on a message
// it no longer holds the lease of: the lease ran out and another instance
// took the message over, or it was never the owner.
var ErrOutboxLeaseLost = errors.New("store: outbox lease lost")

// ErrInvalidOutbox reports a message without a compose, store key or
// recipient, or with a field too long for its column.
var ErrInvalidOutbox = errors.New("store: outgoing message incomplete or a field too long")

// Column sizes of outbox.
const (
	maxOutboxFrom      = 320
	maxOutboxEndpoint  = 512
	maxOutboxMessageID = 998
	maxOutboxOwner     = 64
	maxOutboxError     = 65535
)

func validOutbox(m OutboxMessage) bool {
	return validID(m.ComposeID) && m.StoreKey != "" && len(m.StoreKey) <= maxUploadKey &&
		len(m.Recipients) > 0 && len(m.EnvelopeFrom) <= maxOutboxFrom && len(m.SMTPEndpoint) <= maxOutboxEndpoint &&
		len(m.MessageID) <= maxOutboxMessageID && len(m.SealedCredentials) <= 65535
}

const outboxColumns = `id, user_id, compose_id, store_key, envelope_from, recipients, sealed_credentials,
	smtp_endpoint, message_id, save_to_sent, state, due_at, attempts, next_attempt_at, last_error,
	lease_owner, lease_until, notice_pending, created_at, sent_at`

func scanOutbox(scan func(...any) error) (OutboxMessage, error) {
	var m OutboxMessage
	var recipients string
	var due, next, lease, created, sent int64
	err := scan(&m.ID, &m.UserID, &m.ComposeID, &m.StoreKey, &m.EnvelopeFrom, &recipients, &m.SealedCredentials,
		&m.SMTPEndpoint, &m.MessageID, &m.SaveToSent, &m.State, &due, &m.Attempts, &next, &m.LastError,
		&m.LeaseOwner, &lease, &m.NoticePending, &created, &sent)
	if err != nil {
		return OutboxMessage{}, err
	}
	if err := json.Unmarshal([]byte(recipients), &m.Recipients); err != nil {
		return OutboxMessage{}, fmt.Errorf("recipients: %w", err)
	}
	m.DueAt, m.NextAttemptAt, m.LeaseUntil = fromMillis(due), fromMillis(next), fromMillis(lease)
	m.Created, m.SentAt = fromMillis(created), fromMillis(sent)
	return m, nil
}

func collectOutbox(rows *sql.Rows) ([]OutboxMessage, error) {
	defer rows.Close()
	var out []OutboxMessage
	for rows.Next() {
		m, err := scanOutbox(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// EnqueueOutbox puts m in the outbox, scheduled for m.DueAt, and returns
// it with created true. The compose ID is the idempotency key: when the
// outbox already holds a message for m.ComposeID it returns that one with
// created false and changes nothing, however many requests enqueue at
// once, so a replayed or double-clicked send never sends twice. The one
// exception is a cancelled message (undo send): it is replaced by m, which
// is the user sending the compose again. A compose ID held by another
// user's message is ErrNotFound.
func (db *DB) EnqueueOutbox(ctx context.Context, m OutboxMessage) (msg OutboxMessage, created bool, err error) {
	if !validOutbox(m) {
		return OutboxMessage{}, false, fmt.Errorf("store: enqueue compose %s: %w", m.ComposeID, ErrInvalidOutbox)
	}
	recipients, err := json.Marshal(m.Recipients)
	if err != nil {
		return OutboxMessage{}, false, fmt.Errorf("store: enqueue compose %s: %w", m.ComposeID, err)
	}
	if m.SealedCredentials == nil {
		m.SealedCredentials = []byte{}
	}
	t, due := time.Now().UnixMilli(), millis(m.DueAt)
	_, err = db.write.ExecContext(ctx, `INSERT INTO outbox (user_id, compose_id, store_key, envelope_from,
		recipients, sealed_credentials, smtp_endpoint, message_id, save_to_sent, state, due_at, attempts,
		next_attempt_at, last_error, lease_owner, lease_until, notice_pending, created_at, sent_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, '', '', 0, ?, ?, 0)`,
		m.UserID, m.ComposeID, m.StoreKey, m.EnvelopeFrom, string(recipients), m.SealedCredentials,
		m.SMTPEndpoint, m.MessageID, m.SaveToSent, OutboxScheduled, due, due, false, t)
	switch {
	case err == nil:
		created = true
	case isDuplicate(err):
		// Sent again after an undo: the cancelled message makes way. Only
		// one of several requests at once can win this conditional update.
		res, err := db.write.ExecContext(ctx, `UPDATE outbox SET store_key = ?, envelope_from = ?, recipients = ?,
			sealed_credentials = ?, smtp_endpoint = ?, message_id = ?, save_to_sent = ?, state = ?, due_at = ?,
			attempts = 0, next_attempt_at = ?, last_error = '', lease_owner = '', lease_until = 0,
			notice_pending = ?, created_at = ?, sent_at = 0
			WHERE compose_id = ? AND user_id = ? AND state = ?`,
			m.StoreKey, m.EnvelopeFrom, string(recipients), m.SealedCredentials, m.SMTPEndpoint, m.MessageID,
			m.SaveToSent, OutboxScheduled, due, due, false, t, m.ComposeID, m.UserID, OutboxCancelled)
		if err != nil {
			return OutboxMessage{}, false, fmt.Errorf("store: enqueue compose %s: %w", m.ComposeID, unavailable(err))
		}
		n, err := res.RowsAffected()
		if err != nil {
			return OutboxMessage{}, false, fmt.Errorf("store: enqueue compose %s: %w", m.ComposeID, unavailable(err))
		}
		created = n == 1
	default:
		return OutboxMessage{}, false, fmt.Errorf("store: enqueue compose %s: %w", m.ComposeID, unavailable(err))
	}
	msg, err = db.OutboxByCompose(ctx, m.ComposeID, m.UserID)
	if err != nil {
		return OutboxMessage{}, false, err
	}
	return msg, created, nil
}

// outboxBy reads one message of the user from the primary: the outbox is
// read right after it is written, on any instance.
func (db *DB) outboxBy(ctx context.Context, what, where string, args ...any) (OutboxMessage, error) {
	m, err := scanOutbox(db.write.QueryRowContext(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE `+where, args...).Scan)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return OutboxMessage{}, fmt.Errorf("store: outbox %s: %w", what, ErrNotFound)
	case err != nil:
		return OutboxMessage{}, fmt.Errorf("store: outbox %s: %w", what, unavailable(err))
	}
	return m, nil
}

// OutboxByID reads the user's outgoing message; another user's is
// ErrNotFound.
func (db *DB) OutboxByID(ctx context.Context, id, userID int64) (OutboxMessage, error) {
	return db.outboxBy(ctx, fmt.Sprint(id), `id = ? AND user_id = ?`, id, userID)
}

// OutboxByCompose reads the user's outgoing message made from the compose;
// ErrNotFound when the compose was never sent (or is another user's).
func (db *DB) OutboxByCompose(ctx context.Context, composeID string, userID int64) (OutboxMessage, error) {
	if !validID(composeID) {
		return OutboxMessage{}, fmt.Errorf("store: outbox of compose %s: %w", composeID, ErrNotFound)
	}
	return db.outboxBy(ctx, "of compose "+composeID, `compose_id = ? AND user_id = ?`, composeID, userID)
}

// CancelOutbox cancels the user's message if no instance is sending it,
// and reports whether it did; its sealed credentials are forgotten. It
// races ClaimOutbox fairly: both are conditional updates of the same row,
// so exactly one wins. A message being sent, or already final, is not
// cancelled (false). Another user's message is ErrNotFound.
func (db *DB) CancelOutbox(ctx context.Context, id, userID int64, now time.Time) (bool, error) {
	res, err := db.write.ExecContext(ctx, `UPDATE outbox SET state = ?, sealed_credentials = ?, lease_owner = '', lease_until = 0
		WHERE id = ? AND user_id = ? AND state IN (?, ?) AND lease_until < ?`,
		OutboxCancelled, []byte{}, id, userID, OutboxScheduled, OutboxQueued, now.UnixMilli())
	if err != nil {
		return false, fmt.Errorf("store: cancel outbox %d: %w", id, unavailable(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: cancel outbox %d: %w", id, unavailable(err))
	}
	if n == 1 {
		return true, nil
	}
	if _, err := db.OutboxByID(ctx, id, userID); err != nil {
		return false, err
	}
	return false, nil
}

// claimCondition is when a message may be leased at time ? (twice): it is
// due (scheduled or queued, its next attempt time reached), or an
// instance was sending it and its lease ran out (that instance died or
// hung: the message is handed over).
const claimCondition = `((state IN ('scheduled', 'queued') AND next_attempt_at <= ? AND lease_until < ?)
	OR (state = 'sending' AND lease_until < ?))`

// ClaimOutbox leases the message id to owner until now+leaseFor if it may
// be tried now (claimCondition), and returns it with true; false when it
// is not due, already leased, or final. Attempts counts the claim. The
// conditional update makes one claimant win when several try at once.
func (db *DB) ClaimOutbox(ctx context.Context, id int64, owner string, now time.Time, leaseFor time.Duration) (OutboxMessage, bool, error) {
	if owner == "" || len(owner) > maxOutboxOwner || leaseFor <= 0 {
		return OutboxMessage{}, false, fmt.Errorf("store: claim outbox %d: %w", id, ErrInvalidOutbox)
	}
	t := now.UnixMilli()
	res, err := db.write.ExecContext(ctx, `UPDATE outbox SET state = 'sending', lease_owner = ?, lease_until = ?,
		attempts = attempts + 1 WHERE id = ? AND `+claimCondition,
		owner, now.Add(leaseFor).UnixMilli(), id, t, t, t)
	if err != nil {
		return OutboxMessage{}, false, fmt.Errorf("store: claim outbox %d: %w", id, unavailable(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return OutboxMessage{}, false, fmt.Errorf("store: claim outbox %d: %w", id, unavailable(err))
	}
	if n == 0 {
		return OutboxMessage{}, false, nil
	}
	m, err := db.outboxBy(ctx, fmt.Sprint(id), `id = ?`, id)
	if err != nil {
		return OutboxMessage{}, false, err
	}
	return m, true, nil
}

// ClaimDueOutbox leases up to limit messages that may be tried now (the
// earliest due first) to owner until now+leaseFor, and returns them. Each
// is claimed by its own conditional update, so instances claiming at once
// never get the same message: one that another instance took between the
// look and the claim is skipped.
func (db *DB) ClaimDueOutbox(ctx context.Context, owner string, now time.Time, leaseFor time.Duration, limit int) ([]OutboxMessage, error) {
	t := now.UnixMilli()
	rows, err := db.write.QueryContext(ctx, `SELECT id FROM outbox WHERE `+claimCondition+`
		ORDER BY next_attempt_at, id LIMIT ?`, t, t, t, limit)
	if err != nil {
		return nil, fmt.Errorf("store: due outbox: %w", unavailable(err))
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: due outbox: %w", unavailable(err))
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: due outbox: %w", unavailable(err))
	}
	var claimed []OutboxMessage
	for _, id := range ids {
		m, ok, err := db.ClaimOutbox(ctx, id, owner, now, leaseFor)
		if err != nil {
			return claimed, err
		}
		if ok {
			claimed = append(claimed, m)
		}
	}
	return claimed, nil
}

// leasedUpdate applies set (with args) to the message if owner holds its
// lease, that is the message is sending and owner is its lease owner, and
// returns ErrOutboxLeaseLost otherwise. An expired lease nobody took over
// still counts: the work it reports on was done.
func (db *DB) leasedUpdate(ctx context.Context, what string, id int64, owner, set string, args ...any) error {
	args = append(args, id, owner)
	res, err := db.write.ExecContext(ctx, `UPDATE outbox SET `+set+` WHERE id = ? AND state = 'sending' AND lease_owner = ?`, args...)
	if err != nil {
		return fmt.Errorf("store: %s outbox %d: %w", what, id, unavailable(err))
	}
	// MySQL counts changed rows only: an update that wrote what the row
	// held (a lease extended to its own end) matched without changing.
	err = db.changedOrMissing(ctx, res, `SELECT 1 FROM outbox WHERE id = ? AND state = 'sending' AND lease_owner = ?`, id, owner)
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("store: %s outbox %d: %w", what, id, ErrOutboxLeaseLost)
	}
	if err != nil {
		return fmt.Errorf("store: %s outbox %d: %w", what, id, err)
	}
	return nil
}

// ExtendOutboxLease moves the end of owner's lease on the message to
// until, for a send that takes longer than the lease (a big message on a
// slow link). ErrOutboxLeaseLost when owner no longer holds it.
func (db *DB) ExtendOutboxLease(ctx context.Context, id int64, owner string, until time.Time) error {
	return db.leasedUpdate(ctx, "extend lease of", id, owner, `lease_until = ?`, until.UnixMilli())
}

// MarkOutboxSent records that the server accepted the message, if owner
// holds its lease (ErrOutboxLeaseLost otherwise). The sealed credentials
// stay for the work after sending (the copy in Sent, flags on the
// original); ForgetOutboxCredentials drops them.
func (db *DB) MarkOutboxSent(ctx context.Context, id int64, owner string, sentAt time.Time) error {
	return db.leasedUpdate(ctx, "sent", id, owner,
		`state = 'sent', sent_at = ?, lease_owner = '', lease_until = 0, last_error = ''`, sentAt.UnixMilli())
}

// MarkOutboxRetry gives the message back after a temporary failure: it is
// queued for nextAttempt with the server's answer, if owner holds its
// lease (ErrOutboxLeaseLost otherwise).
func (db *DB) MarkOutboxRetry(ctx context.Context, id int64, owner string, nextAttempt time.Time, lastError string) error {
	return db.leasedUpdate(ctx, "retry", id, owner,
		`state = 'queued', next_attempt_at = ?, last_error = ?, lease_owner = '', lease_until = 0`,
		nextAttempt.UnixMilli(), truncateUTF8(lastError, maxOutboxError))
}

// MarkOutboxFailed records a permanent refusal with the server's answer,
// if owner holds the lease (ErrOutboxLeaseLost otherwise). The message
// waits in OutboxNotices until the user has seen it.
func (db *DB) MarkOutboxFailed(ctx context.Context, id int64, owner string, lastError string) error {
	return db.leasedUpdate(ctx, "fail", id, owner,
		`state = 'failed', last_error = ?, notice_pending = ?, lease_owner = '', lease_until = 0`,
		truncateUTF8(lastError, maxOutboxError), true)
}

// ForgetOutboxCredentials drops a message's sealed credentials once nothing
// more will be done for it with the user's login.
func (db *DB) ForgetOutboxCredentials(ctx context.Context, id int64) error {
	if _, err := db.write.ExecContext(ctx, `UPDATE outbox SET sealed_credentials = ? WHERE id = ?`, []byte{}, id); err != nil {
		return fmt.Errorf("store: forget credentials of outbox %d: %w", id, unavailable(err))
	}
	return nil
}

// listOutbox lists the user's messages matching where, oldest first.
func (db *DB) listOutbox(ctx context.Context, what string, userID int64, where string, args ...any) ([]OutboxMessage, error) {
	return db.listOutboxWith(ctx, db.write.QueryContext, what, userID, where, args...)
}

// listOutboxWith is listOutbox through query: the primary's, or a read
// that may go to a replica.
func (db *DB) listOutboxWith(ctx context.Context, query func(context.Context, string, ...any) (*sql.Rows, error), what string, userID int64, where string, args ...any) ([]OutboxMessage, error) {
	args = append([]any{userID}, args...)
	rows, err := query(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE user_id = ? AND `+where+`
		ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: %s of user %d: %w", what, userID, unavailable(err))
	}
	out, err := collectOutbox(rows)
	if err != nil {
		return nil, fmt.Errorf("store: %s of user %d: %w", what, userID, unavailable(err))
	}
	return out, nil
}

// ListOutbox lists the user's messages not yet sent (scheduled, queued,
// sending) or failed, for the outbox page, oldest first.
func (db *DB) ListOutbox(ctx context.Context, userID int64) ([]OutboxMessage, error) {
	return db.listOutbox(ctx, "outbox", userID, `state IN (?, ?, ?, ?)`,
		OutboxScheduled, OutboxQueued, OutboxSending, OutboxFailed)
}

// OutboxNotices lists the user's permanently failed messages whose notice
// the user has not acknowledged yet, from the primary.
func (db *DB) OutboxNotices(ctx context.Context, userID int64) ([]OutboxMessage, error) {
	return db.listOutbox(ctx, "outbox notices", userID, outboxNoticesWhere, OutboxFailed, true)
}

// OutboxNoticesFromReplica is OutboxNotices read from a replica (the
// primary after the user's own writes, see ReadFor; a replica when the
// primary is down), for the banner every page shows: a refusal reaches it
// a replica's lag later, and the primary is spared a read per page.
func (db *DB) OutboxNoticesFromReplica(ctx context.Context, userID int64) ([]OutboxMessage, error) {
	return db.listOutboxWith(ctx, db.queryRead, "outbox notices", userID, outboxNoticesWhere, OutboxFailed, true)
}

// outboxNoticesWhere selects the notices a user has not acknowledged.
const outboxNoticesWhere = `state = ? AND notice_pending = ?`

// AcknowledgeOutboxNotice records that the user has seen the failure of
// their message id; acknowledging twice is not an error. Another user's
// message is ErrNotFound.
func (db *DB) AcknowledgeOutboxNotice(ctx context.Context, id, userID int64) error {
	res, err := db.write.ExecContext(ctx, `UPDATE outbox SET notice_pending = ? WHERE id = ? AND user_id = ?`, false, id, userID)
	if err != nil {
		return fmt.Errorf("store: acknowledge outbox %d: %w", id, unavailable(err))
	}
	if err := db.changedOrMissing(ctx, res, `SELECT 1 FROM outbox WHERE id = ? AND user_id = ?`, id, userID); err != nil {
		return fmt.Errorf("store: acknowledge outbox %d: %w", id, err)
	}
	return nil
}

// FinishedOutbox lists up to limit messages of any user that were sent or
// cancelled before before, or that failed then and whose notice was
// acknowledged, for the cleanup job: it deletes their raw message from the
// attachment store, then DeleteOutbox.
func (db *DB) FinishedOutbox(ctx context.Context, before time.Time, limit int) ([]OutboxMessage, error) {
	t := before.UnixMilli()
	rows, err := db.write.QueryContext(ctx, `SELECT `+outboxColumns+` FROM outbox
		WHERE (state = 'sent' AND sent_at < ?) OR (state = 'cancelled' AND created_at < ?)
			OR (state = 'failed' AND notice_pending = ? AND created_at < ?)
		ORDER BY id LIMIT ?`, t, t, false, t, limit)
	if err != nil {
		return nil, fmt.Errorf("store: finished outbox: %w", unavailable(err))
	}
	out, err := collectOutbox(rows)
	if err != nil {
		return nil, fmt.Errorf("store: finished outbox: %w", unavailable(err))
	}
	return out, nil
}

// DeleteOutbox deletes a final message (sent, failed or cancelled); one
// still on its way is left alone. Deleting a missing message is not an
// error.
func (db *DB) DeleteOutbox(ctx context.Context, id int64) error {
	if _, err := db.write.ExecContext(ctx, `DELETE FROM outbox WHERE id = ? AND state IN (?, ?, ?)`,
		id, OutboxSent, OutboxFailed, OutboxCancelled); err != nil {
		return fmt.Errorf("store: delete outbox %d: %w", id, unavailable(err))
	}
	return nil
}
