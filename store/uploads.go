package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Upload is a file attached to a compose. Its bytes are in the attachment
// store under StoreKey; this row says whose it is and what it is.
type Upload struct {
	ID          string // unguessable (NewID)
	UserID      int64
	ComposeID   string
	StoreKey    string
	Filename    string
	ContentType string
	Size        int64
	ContentID   string // for an image shown inline in rich text; empty otherwise
	Created     time.Time
}

// ErrInvalidUpload reports an upload without a store key or with a field
// too long for its column.
var ErrInvalidUpload = errors.New("store: upload store key empty or a field too long")

// Column sizes of uploads.
const (
	maxUploadKey      = 255
	maxUploadFilename = 1024
	maxUploadType     = 255
	maxUploadCID      = 255
)

func validUpload(u Upload) bool {
	return u.StoreKey != "" && len(u.StoreKey) <= maxUploadKey && len(u.Filename) <= maxUploadFilename &&
		len(u.ContentType) <= maxUploadType && len(u.ContentID) <= maxUploadCID && u.Size >= 0
}

const uploadColumns = `id, user_id, compose_id, store_key, filename, content_type, size, content_id, created_at`

func scanUpload(scan func(...any) error) (Upload, error) {
	var u Upload
	var created int64
	err := scan(&u.ID, &u.UserID, &u.ComposeID, &u.StoreKey, &u.Filename, &u.ContentType, &u.Size, &u.ContentID, &created)
	u.Created = fromMillis(created)
	return u, err
}

// CreateUpload records an upload to the user's compose u.ComposeID and
// returns it. u.ID may be empty (a new one is made) or one the caller
// made with NewID beforehand, to name the store object after it. A
// compose that is not the user's, or no longer open (being sent, sent),
// is ErrNotFound, and nothing is recorded.
func (db *DB) CreateUpload(ctx context.Context, u Upload) (Upload, error) {
	if u.ID == "" {
		u.ID = NewID()
	}
	if !validID(u.ID) || !validUpload(u) {
		return Upload{}, fmt.Errorf("store: create upload for compose %s: %w", u.ComposeID, ErrInvalidUpload)
	}
	if !validID(u.ComposeID) {
		return Upload{}, fmt.Errorf("store: create upload for compose %s: %w", u.ComposeID, ErrNotFound)
	}
	t := time.Now().UnixMilli()
	u.Created = fromMillis(t)
	// One statement checks the owner and inserts, so a compose deleted
	// meanwhile cannot gain an upload.
	res, err := db.write.ExecContext(ctx, `INSERT INTO uploads (`+uploadColumns+`)
		SELECT ?, ?, ?, ?, ?, ?, ?, ?, ? FROM composes WHERE id = ? AND user_id = ? AND state = 'open'`,
		u.ID, u.UserID, u.ComposeID, u.StoreKey, u.Filename, u.ContentType, u.Size, u.ContentID, t,
		u.ComposeID, u.UserID)
	if err != nil {
		return Upload{}, fmt.Errorf("store: create upload for compose %s: %w", u.ComposeID, unavailable(err))
	}
	if n, err := res.RowsAffected(); err != nil {
		return Upload{}, fmt.Errorf("store: create upload for compose %s: %w", u.ComposeID, unavailable(err))
	} else if n == 0 {
		return Upload{}, fmt.Errorf("store: create upload for compose %s: %w", u.ComposeID, ErrNotFound)
	}
	return u, nil
}

// Upload reads the user's upload, from the primary (it was usually made a
// moment ago, maybe on another instance). Another user's upload is
// ErrNotFound.
func (db *DB) Upload(ctx context.Context, id string, userID int64) (Upload, error) {
	if !validID(id) {
		return Upload{}, fmt.Errorf("store: upload %s: %w", id, ErrNotFound)
	}
	u, err := scanUpload(db.write.QueryRowContext(ctx, `SELECT `+uploadColumns+` FROM uploads WHERE id = ? AND user_id = ?`, id, userID).Scan)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Upload{}, fmt.Errorf("store: upload %s: %w", id, ErrNotFound)
	case err != nil:
		return Upload{}, fmt.Errorf("store: upload %s: %w", id, unavailable(err))
	}
	return u, nil
}

// UploadsByCompose lists the uploads of the user's compose by the time
// they were made (uploads of the same millisecond in a stable order), from
// the primary. Another user's compose has none.
func (db *DB) UploadsByCompose(ctx context.Context, composeID string, userID int64) ([]Upload, error) {
	if !validID(composeID) {
		return nil, nil
	}
	rows, err := db.write.QueryContext(ctx, `SELECT `+uploadColumns+` FROM uploads
		WHERE compose_id = ? AND user_id = ? ORDER BY created_at, id`, composeID, userID)
	if err != nil {
		return nil, fmt.Errorf("store: uploads of compose %s: %w", composeID, unavailable(err))
	}
	out, err := collectUploads(rows)
	if err != nil {
		return nil, fmt.Errorf("store: uploads of compose %s: %w", composeID, unavailable(err))
	}
	return out, nil
}

func collectUploads(rows *sql.Rows) ([]Upload, error) {
	defer rows.Close()
	var out []Upload
	for rows.Next() {
		u, err := scanUpload(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// DeleteUpload deletes the user's upload row and returns it, so the caller
// can delete its bytes from the attachment store next (in that order: a
// crash in between leaves an unreferenced object, never a row pointing at
// missing bytes). Another user's upload is ErrNotFound.
func (db *DB) DeleteUpload(ctx context.Context, id string, userID int64) (Upload, error) {
	u, err := db.Upload(ctx, id, userID)
	if err != nil {
		return Upload{}, err
	}
	res, err := db.write.ExecContext(ctx, `DELETE FROM uploads WHERE id = ? AND user_id = ?`, id, userID)
	if err != nil {
		return Upload{}, fmt.Errorf("store: delete upload %s: %w", id, unavailable(err))
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		// Deleted by another request between the read and the delete:
		// that request owns the store object's deletion.
		return Upload{}, fmt.Errorf("store: delete upload %s: %w", id, ErrNotFound)
	}
	return u, nil
}

// StaleUploads lists up to limit uploads, of any user, made before before
// whose compose is gone or was last changed before before and is not being
// sent: the cleanup job deletes their bytes, then DeleteUpload their rows.
// Uploads of a compose being sent are kept, as ComposesOlderThan keeps the
// compose.
func (db *DB) StaleUploads(ctx context.Context, before time.Time, limit int) ([]Upload, error) {
	t := before.UnixMilli()
	rows, err := db.write.QueryContext(ctx, `SELECT u.id, u.user_id, u.compose_id, u.store_key, u.filename,
		u.content_type, u.size, u.content_id, u.created_at
		FROM uploads u LEFT JOIN composes c ON c.id = u.compose_id AND c.user_id = u.user_id
		WHERE u.created_at < ? AND (c.id IS NULL OR (c.updated_at < ? AND c.state <> ?))
		ORDER BY u.created_at, u.id LIMIT ?`, t, t, ComposeSending, limit)
	if err != nil {
		return nil, fmt.Errorf("store: stale uploads: %w", unavailable(err))
	}
	out, err := collectUploads(rows)
	if err != nil {
		return nil, fmt.Errorf("store: stale uploads: %w", unavailable(err))
	}
	return out, nil
}
