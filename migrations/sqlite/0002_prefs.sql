-- Per-user settings as name/value pairs (for example how soon an opened
-- message is marked read). Names are chosen by the code, values are text.
CREATE TABLE user_prefs (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name VARCHAR(64) NOT NULL,
    value VARCHAR(1024) NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, name)
);

-- Senders whose messages may load remote images ("always for this sender").
-- sender_email is stored lower-cased.
CREATE TABLE trusted_senders (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    sender_email VARCHAR(320) NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, sender_email)
);
