package attachments_test

// The tables of the sql backend, as the project's migrations must create
// them. The tests create them from these; the migrations in migrations/ are
// copies.
const (
	sqliteSchema = `
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
);`

	// Keys are case-sensitive, hence the binary collation.
	mysqlSchema = `
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
	seq INTEGER NOT NULL,
	data LONGBLOB NOT NULL,
	PRIMARY KEY (object_key, generation, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;`
)
