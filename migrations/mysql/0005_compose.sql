-- Writing mail (issue 8). Times in these tables are Unix milliseconds; 0
-- means "none". IDs that reach URLs (composes, uploads) are random text
-- from the application, compared exactly (utf8mb4_bin).

-- From addresses a user may send as; the login address is created first
-- (position 0) and the compose page lists them by position.
CREATE TABLE identities (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id BIGINT NOT NULL,
    email VARCHAR(320) NOT NULL,
    name VARCHAR(255) NOT NULL,
    reply_to VARCHAR(1024) NOT NULL,
    bcc VARCHAR(1024) NOT NULL,
    signature_text TEXT NOT NULL,
    signature_html TEXT NOT NULL,
    position INT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    KEY identities_user (user_id, position),
    CONSTRAINT identities_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every address the user sent to, for autocomplete. email_key and
-- name_key are lower-cased by the application so that a prefix search is an
-- index range on either key.
CREATE TABLE contacts (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id BIGINT NOT NULL,
    email VARCHAR(320) NOT NULL,
    email_key VARCHAR(320) NOT NULL,
    name VARCHAR(255) NOT NULL,
    name_key VARCHAR(255) NOT NULL,
    use_count BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    UNIQUE KEY contacts_email (user_id, email_key),
    KEY contacts_name (user_id, name_key),
    CONSTRAINT contacts_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A message being written, saved on every autosave; revision makes two
-- tabs saving the same compose see each other instead of overwriting.
CREATE TABLE composes (
    id VARCHAR(64) NOT NULL PRIMARY KEY,
    user_id BIGINT NOT NULL,
    revision BIGINT NOT NULL,
    identity_id BIGINT NOT NULL,
    to_addrs TEXT NOT NULL,
    cc_addrs TEXT NOT NULL,
    bcc_addrs TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text MEDIUMTEXT NOT NULL,
    body_html MEDIUMTEXT NOT NULL,
    format VARCHAR(8) NOT NULL,
    in_reply_to TEXT NOT NULL,
    ref_ids TEXT NOT NULL,
    kind VARCHAR(20) NOT NULL,
    orig_mailbox VARCHAR(1024) NOT NULL,
    orig_uid BIGINT NOT NULL,
    orig_uid_validity BIGINT NOT NULL,
    draft_mailbox VARCHAR(1024) NOT NULL,
    draft_uid BIGINT NOT NULL,
    priority INT NOT NULL,
    read_receipt BOOLEAN NOT NULL,
    state VARCHAR(10) NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    KEY composes_user (user_id, state, updated_at),
    KEY composes_updated (updated_at),
    CONSTRAINT composes_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Attachments uploaded to a compose; the bytes are in the attachment store
-- under store_key. No foreign key to composes: deleting a compose must not
-- lose the keys of objects the cleanup job still has to delete.
CREATE TABLE uploads (
    id VARCHAR(64) NOT NULL PRIMARY KEY,
    user_id BIGINT NOT NULL,
    compose_id VARCHAR(64) NOT NULL,
    store_key VARCHAR(255) NOT NULL,
    filename VARCHAR(1024) NOT NULL,
    content_type VARCHAR(255) NOT NULL,
    size BIGINT NOT NULL,
    content_id VARCHAR(255) NOT NULL,
    created_at BIGINT NOT NULL,
    KEY uploads_compose (compose_id),
    KEY uploads_created (created_at),
    CONSTRAINT uploads_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Messages on their way out. compose_id is unique: it is the idempotency
-- key that keeps a replayed or double-clicked send from sending twice.
-- lease_owner/lease_until let one instance at a time try a message.
CREATE TABLE outbox (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id BIGINT NOT NULL,
    compose_id VARCHAR(64) NOT NULL,
    store_key VARCHAR(255) NOT NULL,
    envelope_from VARCHAR(320) NOT NULL,
    recipients MEDIUMTEXT NOT NULL,
    sealed_credentials BLOB NOT NULL,
    smtp_endpoint VARCHAR(512) NOT NULL,
    message_id VARCHAR(998) NOT NULL,
    save_to_sent BOOLEAN NOT NULL,
    state VARCHAR(10) NOT NULL,
    due_at BIGINT NOT NULL,
    attempts INT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    last_error TEXT NOT NULL,
    lease_owner VARCHAR(64) NOT NULL,
    lease_until BIGINT NOT NULL,
    notice_pending BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT NOT NULL,
    UNIQUE KEY outbox_compose (compose_id),
    KEY outbox_due (state, next_attempt_at),
    KEY outbox_lease (state, lease_until),
    KEY outbox_user (user_id, created_at),
    CONSTRAINT outbox_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
