package storage

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps prepared statements of the SQLite writer whose text
// repeats: settling a full chunk of a bulk send binds thousands of
// parameters, and SQLite compiling that text anew for every chunk costs
// as much as a tenth of the writer's time. PostgreSQL's driver caches
// prepared statements itself. The writer has one connection, which a
// transaction holds: statements are prepared between transactions
// (prepareWanted), the texts met inside one being noted until then.
type stmtCache struct {
	mu   sync.Mutex
	m    map[string]*sql.Stmt
	want map[string]bool
}

// maxCachedStmts bounds the cache; only a few texts repeat: a full
// chunk's and those of small groups (smallGroup).
const maxCachedStmts = 48

// prepared returns the cached statement for query in tx when its text
// repeats and statements are cached (SQLite); nil otherwise, noting the
// text for prepareWanted.
func (s *Store) prepared(ctx context.Context, tx *sql.Tx, repeats bool, query string) *sql.Stmt {
	if !repeats || s.dialect != SQLite {
		return nil
	}
	c := &s.stmts
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[query]; ok {
		return tx.StmtContext(ctx, st)
	}
	if len(c.m)+len(c.want) < maxCachedStmts {
		if c.want == nil {
			c.want = map[string]bool{}
		}
		c.want[query] = true
	}
	return nil
}

// prepareWanted prepares the repeating statements met since the last
// call. It must run outside any transaction of the writer, and prepares
// without holding the cache's lock: the writer's connection may be busy
// with a transaction that reads the cache. A statement that fails to
// prepare is left to run unprepared: the work it serves (settling rows
// a provider has taken) must not fail for it.
func (s *Store) prepareWanted(ctx context.Context) {
	c := &s.stmts
	c.mu.Lock()
	var queries []string
	for query := range c.want {
		queries = append(queries, query)
	}
	c.mu.Unlock()
	for _, query := range queries {
		st, err := s.w.PrepareContext(ctx, query)
		c.mu.Lock()
		switch _, ok := c.m[query]; {
		case err != nil: // runs unprepared; met again, it is tried again
		case ok || c.want == nil:
			st.Close() // prepared meanwhile by another caller, or closed
		default:
			if c.m == nil {
				c.m = map[string]*sql.Stmt{}
			}
			c.m[query] = st
		}
		delete(c.want, query)
		c.mu.Unlock()
	}
}

// txExec runs query in tx, from a prepared statement when its text
// repeats (see stmtCache).
func (s *Store) txExec(ctx context.Context, tx *sql.Tx, repeats bool, query string, args ...any) error {
	if st := s.prepared(ctx, tx, repeats, query); st != nil {
		if _, err := st.ExecContext(ctx, args...); err == nil {
			return nil
		}
		// Whatever failed (preparing it again on a new connection, say),
		// the statement runs once more unprepared; SQLite has undone the
		// failed one.
	}
	_, err := tx.ExecContext(ctx, query, args...)
	return err
}

// txQuery is txExec for a statement that returns rows.
func (s *Store) txQuery(ctx context.Context, tx *sql.Tx, repeats bool, query string, args ...any) (*sql.Rows, error) {
	if st := s.prepared(ctx, tx, repeats, query); st != nil {
		if rows, err := st.QueryContext(ctx, args...); err == nil {
			return rows, nil
		}
	}
	return tx.QueryContext(ctx, query, args...)
}

// close closes the cached statements.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m, c.want = nil, nil
}
