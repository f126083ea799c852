-- Users who have logged in at least once; the row other per-user data hangs from.
CREATE TABLE users (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    email VARCHAR(320) NOT NULL,
    created_at BIGINT NOT NULL,
    last_login_at BIGINT NOT NULL,
    UNIQUE KEY users_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Sessions for WEBMAIL_SESSION_STORE=sql; data holds the encoded session
-- (credentials inside are encrypted with the cluster key).
CREATE TABLE sessions (
    id VARCHAR(64) NOT NULL PRIMARY KEY,
    data MEDIUMBLOB NOT NULL,
    expires_at BIGINT NOT NULL,
    KEY sessions_expires_at (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=ascii COLLATE=ascii_bin;

-- Attachment bytes for WEBMAIL_ATTACHMENTS=sql, chunked so no object is held whole in memory.
CREATE TABLE attachment_objects (
    object_key VARCHAR(255) NOT NULL PRIMARY KEY,
    size BIGINT NOT NULL,
    content_type VARCHAR(255) NOT NULL,
    modified_at BIGINT NOT NULL,
    generation VARCHAR(64) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE attachment_chunks (
    object_key VARCHAR(255) NOT NULL,
    generation VARCHAR(64) NOT NULL,
    seq INT NOT NULL,
    data LONGBLOB NOT NULL,
    PRIMARY KEY (object_key, generation, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
