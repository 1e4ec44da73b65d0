package storage

import (
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"touchbase/internal/model"
)

// Query builds one SQL statement with numbered placeholders ($1, $2…),
// which both dialects accept.
type Query struct {
	sb   strings.Builder
	args []any
	// positional makes Arg return "?" (SQLite): the SQLite driver resolves
	// each "$n" by name, which is slow in statements with thousands of
	// parameters. Only for statements that use each placeholder once.
	positional bool
}

// bulkQuery returns a Query for a statement with many parameters, each
// used once.
func (s *Store) bulkQuery() *Query { return &Query{positional: s.dialect == SQLite} }

// Arg records v and returns its placeholder.
func (q *Query) Arg(v any) string {
	q.args = append(q.args, v)
	if q.positional {
		return "?"
	}
	return "$" + strconv.Itoa(len(q.args))
}

// Add appends SQL text.
func (q *Query) Add(parts ...string) *Query {
	for _, p := range parts {
		q.sb.WriteString(p)
	}
	return q
}

// SQL returns the statement.
func (q *Query) SQL() string { return q.sb.String() }

// Args returns the arguments in placeholder order.
func (q *Query) Args() []any { return q.args }

// now returns the current time as stored: UTC, microsecond precision.
func now() time.Time { return dbTime(time.Now()) }

func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// keyset adds " AND (key, idCol) op (at, id)" to q, op being "<" or ">":
// the rows past a keyset position. PostgreSQL gets a row-value comparison,
// so an index on (key, id) starts right at the position and deep pages
// cost what the first does; SQLite, which plans a bound row value as a
// full scan, gets it spelt out.
func keyset(q *Query, d Dialect, key, idCol, op string, at time.Time, id int64) {
	if d == SQLite {
		t := q.Arg(dbTime(at))
		q.Add(` AND `, key, ` `, op, `= `, t, ` AND (`, key, ` `, op, ` `, t, ` OR `, idCol, ` `, op, ` `, q.Arg(id), `)`)
		return
	}
	q.Add(` AND (`, key, `, `, idCol, `) `, op, ` (`, q.Arg(dbTime(at)), `, `, q.Arg(id), `)`)
}

// notFound maps sql.ErrNoRows to model.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return model.ErrNotFound
	}
	return err
}

// isUniqueViolation reports whether err is a unique-constraint failure.
func isUniqueViolation(err error) bool {
	return hasCode(err, "23505", sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
}

// isForeignKeyViolation reports whether err is a foreign-key failure.
func isForeignKeyViolation(err error) bool {
	return hasCode(err, "23503", sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY)
}

func hasCode(err error, pgCode string, sqliteCodes ...int) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == pgCode
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		for _, c := range sqliteCodes {
			if sqErr.Code() == c {
				return true
			}
		}
	}
	return false
}

// likePattern escapes s for a LIKE … ESCAPE '\' match anywhere, lower-cased.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(s)) + "%"
}

func nullInt(p *int64) sql.NullInt64 {
	if p == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: *p, Valid: true}
}

func intPtr(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}

func nullString(s string) sql.NullString {
	return sql.NullString{String: s, Valid: s != ""}
}
