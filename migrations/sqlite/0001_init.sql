-- Users who have logged in at least once; the row other per-user data hangs from.
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email VARCHAR(320) NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_login_at BIGINT NOT NULL
);

-- Sessions for WEBMAIL_SESSION_STORE=sql; data holds the encoded session
-- (credentials inside are encrypted with the cluster key).
CREATE TABLE sessions (
    id VARCHAR(64) PRIMARY KEY,
    data BLOB NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- Attachment bytes for WEBMAIL_ATTACHMENTS=sql, chunked so no object is held whole in memory.
CREATE TABLE attachment_objects (
    object_key VARCHAR(255) PRIMARY KEY,
    size BIGINT NOT NULL,
    content_type VARCHAR(255) NOT NULL,
    modified_at BIGINT NOT NULL,
    generation VARCHAR(64) NOT NULL
);
CREATE TABLE attachment_chunks (
    object_key VARCHAR(255) NOT NULL,
    generation VARCHAR(64) NOT NULL,
    seq INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (object_key, generation, seq)
);
