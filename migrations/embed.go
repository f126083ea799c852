// Package migrations holds the database schema as append-only SQL files, one
// folder per dialect, embedded into the binary. A file is never edited once
// released: a change is a new file with the next number.
package migrations

import "embed"

// FS holds mysql/NNNN_name.sql and sqlite/NNNN_name.sql. The same number must
// exist in both folders and mean the same change.
//
//go:embed mysql/*.sql sqlite/*.sql
var FS embed.FS
