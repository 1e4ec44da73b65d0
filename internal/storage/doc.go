// Package storage is Touchbase's storage layer: plain SQL that runs on both
// PostgreSQL (pgx through database/sql) and SQLite (modernc.org/sqlite), and
// the embedded migrations of each dialect.
package storage
