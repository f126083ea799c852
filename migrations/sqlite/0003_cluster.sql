-- Replication lag: the job runner holding the cluster lease writes the time
-- (ms) into row 1 every second; each instance reads it on each replica.
CREATE TABLE heartbeat (
    id INTEGER PRIMARY KEY,
    ts BIGINT NOT NULL
);
INSERT INTO heartbeat (id, ts) VALUES (1, 0);

-- Failed logins for the rate limits when there is no Redis; limit_key is
-- the SHA-256 (hex) of "user:<name>" or "ip:<address>". Pruned by a job.
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    limit_key CHAR(64) NOT NULL,
    failed_at BIGINT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (limit_key, failed_at);
CREATE INDEX login_failures_at ON login_failures (failed_at);

-- Mail servers per login domain (`webmail domain add`); an empty smtp uses
-- the WEBMAIL_SMTP template. updated_at (ms) lets instances notice changes.
CREATE TABLE domains (
    domain VARCHAR(253) PRIMARY KEY,
    imap VARCHAR(255) NOT NULL,
    smtp VARCHAR(255) NOT NULL,
    updated_at BIGINT NOT NULL
);
