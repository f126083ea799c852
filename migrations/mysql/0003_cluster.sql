-- Replication lag: the job runner holding the cluster lease writes the time
-- (ms) into row 1 every second; each instance reads it on each replica.
CREATE TABLE heartbeat (
    id INT NOT NULL PRIMARY KEY,
    ts BIGINT NOT NULL
) ENGINE=InnoDB;
INSERT INTO heartbeat (id, ts) VALUES (1, 0);

-- Failed logins for the rate limits when there is no Redis; limit_key is
-- the SHA-256 (hex) of "user:<name>" or "ip:<address>". Pruned by a job.
CREATE TABLE login_failures (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    limit_key CHAR(64) NOT NULL,
    failed_at BIGINT NOT NULL,
    KEY login_failures_key (limit_key, failed_at),
    KEY login_failures_at (failed_at)
) ENGINE=InnoDB DEFAULT CHARSET=ascii COLLATE=ascii_bin;

-- Mail servers per login domain (`webmail domain add`); an empty smtp uses
-- the WEBMAIL_SMTP template. updated_at (ms) lets instances notice changes.
CREATE TABLE domains (
    domain VARCHAR(253) NOT NULL PRIMARY KEY,
    imap VARCHAR(255) NOT NULL,
    smtp VARCHAR(255) NOT NULL,
    updated_at BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
