-- Logins compare exactly, as on SQLite: with utf8mb4_unicode_ci,
-- andré@example.com and andre@example.com were one row, and the second to
-- log in would have read and changed the first one's settings.
ALTER TABLE users MODIFY email VARCHAR(320) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL;
