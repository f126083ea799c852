-- Writing mail (issue 8). Times in these tables are Unix milliseconds; 0
-- means "none". IDs that reach URLs (composes, uploads) are random text
-- from the application, compared exactly (BINARY collation).

-- From addresses a user may send as; the login address is created first
-- (position 0) and the compose page lists them by position.
CREATE TABLE identities (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email VARCHAR(320) NOT NULL,
    name VARCHAR(255) NOT NULL,
    reply_to VARCHAR(1024) NOT NULL,
    bcc VARCHAR(1024) NOT NULL,
    signature_text TEXT NOT NULL,
    signature_html TEXT NOT NULL,
    position INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX identities_user ON identities (user_id, position);

-- Every address the user sent to, for autocomplete. email_key and
-- name_key are lower-cased by the application so that a prefix search is an
-- index range on either key.
CREATE TABLE contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email VARCHAR(320) NOT NULL,
    email_key VARCHAR(320) NOT NULL,
    name VARCHAR(255) NOT NULL,
    name_key VARCHAR(255) NOT NULL,
    use_count BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX contacts_email ON contacts (user_id, email_key);
CREATE INDEX contacts_name ON contacts (user_id, name_key);

-- A message being written, saved on every autosave; revision makes two
-- tabs saving the same compose see each other instead of overwriting.
CREATE TABLE composes (
    id VARCHAR(64) PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    revision BIGINT NOT NULL,
    identity_id BIGINT NOT NULL,
    to_addrs TEXT NOT NULL,
    cc_addrs TEXT NOT NULL,
    bcc_addrs TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    format VARCHAR(8) NOT NULL,
    in_reply_to TEXT NOT NULL,
    ref_ids TEXT NOT NULL,
    kind VARCHAR(20) NOT NULL,
    orig_mailbox VARCHAR(1024) NOT NULL,
    orig_uid BIGINT NOT NULL,
    orig_uid_validity BIGINT NOT NULL,
    draft_mailbox VARCHAR(1024) NOT NULL,
    draft_uid BIGINT NOT NULL,
    priority INTEGER NOT NULL,
    read_receipt BOOLEAN NOT NULL,
    state VARCHAR(10) NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX composes_user ON composes (user_id, state, updated_at);
CREATE INDEX composes_updated ON composes (updated_at);

-- Attachments uploaded to a compose; the bytes are in the attachment store
-- under store_key. No foreign key to composes: deleting a compose must not
-- lose the keys of objects the cleanup job still has to delete.
CREATE TABLE uploads (
    id VARCHAR(64) PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    compose_id VARCHAR(64) NOT NULL,
    store_key VARCHAR(255) NOT NULL,
    filename VARCHAR(1024) NOT NULL,
    content_type VARCHAR(255) NOT NULL,
    size BIGINT NOT NULL,
    content_id VARCHAR(255) NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX uploads_compose ON uploads (compose_id);
CREATE INDEX uploads_created ON uploads (created_at);

-- Messages on their way out. compose_id is unique: it is the idempotency
-- key that keeps a replayed or double-clicked send from sending twice.
-- lease_owner/lease_until let one instance at a time try a message.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    compose_id VARCHAR(64) NOT NULL,
    store_key VARCHAR(255) NOT NULL,
    envelope_from VARCHAR(320) NOT NULL,
    recipients TEXT NOT NULL,
    sealed_credentials BLOB NOT NULL,
    smtp_endpoint VARCHAR(512) NOT NULL,
    message_id VARCHAR(998) NOT NULL,
    save_to_sent BOOLEAN NOT NULL,
    state VARCHAR(10) NOT NULL,
    due_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT NOT NULL,
    lease_owner VARCHAR(64) NOT NULL,
    lease_until BIGINT NOT NULL,
    notice_pending BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX outbox_compose ON outbox (compose_id);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_lease ON outbox (state, lease_until);
CREATE INDEX outbox_user ON outbox (user_id, created_at);
