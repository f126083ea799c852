-- One mail hostname (issue 13): mail backends that domains are routed to,
-- with the plain-text addresses the front proxies (nginx, Postfix) reach
-- them on; admin tokens of the provisioning API (hashes only); the audit
-- log of every provisioning change. Times are Unix milliseconds.

-- A mail backend: the URLs the webmail itself uses (as in domains.imap
-- and domains.smtp) and the host:port the front proxies use ('' = none).
CREATE TABLE mail_backends (
    name VARCHAR(64) PRIMARY KEY,
    imap VARCHAR(255) NOT NULL,
    smtp VARCHAR(255) NOT NULL,
    proxy_imap VARCHAR(255) NOT NULL,
    proxy_pop3 VARCHAR(255) NOT NULL,
    proxy_submission VARCHAR(255) NOT NULL,
    relay VARCHAR(255) NOT NULL,
    updated_at BIGINT NOT NULL
);

-- A domain on a backend takes its servers from the backend row; '' keeps
-- the domain's own imap and smtp URLs.
ALTER TABLE domains ADD COLUMN backend VARCHAR(64) NOT NULL DEFAULT '';

CREATE TABLE admin_tokens (
    id VARCHAR(32) PRIMARY KEY,
    name VARCHAR(255) NOT NULL,
    token_hash VARCHAR(64) NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE admin_audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    actor VARCHAR(255) NOT NULL,
    action VARCHAR(64) NOT NULL,
    target VARCHAR(320) NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX admin_audit_at ON admin_audit (at);
