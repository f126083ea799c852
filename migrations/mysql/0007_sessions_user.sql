-- Sessions by user (issue 13): the provisioning API lists and ends a
-- user's sessions. user_key is the lower-cased login; '' for sessions
-- saved before this column existed.
ALTER TABLE sessions ADD COLUMN user_key VARCHAR(320) NOT NULL DEFAULT '';
CREATE INDEX sessions_user ON sessions (user_key);
