-- SQLite compares users.email exactly already (BINARY collation); this
-- version exists so both dialects count the same migrations.
SELECT 1;
