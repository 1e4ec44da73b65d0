package storage

import (
	"context"
	"database/sql"
	"sync"
)

// readPool is the pool reads go through. On SQLite it keeps prepared
// statements of the query texts that repeat: the pages every user opens
// run the same few dozen texts over and over, and compiling each anew was
// a fifth of serve's CPU under load (touchbase-bench pages). database/sql
// prepares a kept statement on each reader connection the first time it
// runs there. PostgreSQL's driver keeps its own statements per connection.
type readPool struct {
	*sql.DB
	keep  bool // SQLite: keep statements
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
	seen  map[string]bool // texts met once, waiting to be met again
}

// Statements are kept for at most maxReadStmts texts, never evicted (a
// statement in use elsewhere must not be closed under it); a text is kept
// from the second time it runs, so texts that never repeat (an IN list of
// every length) stay out.
const (
	maxReadStmts = 256
	maxSeenTexts = 4 * maxReadStmts
)

func newReadPool(db *sql.DB, keep bool) *readPool { return &readPool{DB: db, keep: keep} }

// QueryContext runs query, from a kept statement when its text repeats.
func (p *readPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return p.DB.QueryContext(ctx, query, args...)
}

// QueryRowContext is QueryContext for one row.
func (p *readPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := p.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return p.DB.QueryRowContext(ctx, query, args...)
}

// stmt returns the kept statement of query, preparing it the second time
// the text is met; nil when it is not (yet) kept.
func (p *readPool) stmt(ctx context.Context, query string) *sql.Stmt {
	if !p.keep {
		return nil
	}
	p.mu.Lock()
	if st, ok := p.stmts[query]; ok {
		p.mu.Unlock()
		return st
	}
	full := len(p.stmts) >= maxReadStmts
	again := p.seen[query]
	if !again && !full {
		if p.seen == nil || len(p.seen) >= maxSeenTexts {
			p.seen = map[string]bool{}
		}
		p.seen[query] = true
	}
	p.mu.Unlock()
	if !again || full {
		return nil
	}
	st, err := p.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil // runs unprepared, and says why there
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if kept, ok := p.stmts[query]; ok { // prepared meanwhile by another reader
		st.Close()
		return kept
	}
	if p.stmts == nil {
		p.stmts = map[string]*sql.Stmt{}
	}
	p.stmts[query] = st
	delete(p.seen, query)
	return st
}

// Close closes the kept statements and the pool.
func (p *readPool) Close() error {
	p.mu.Lock()
	for _, st := range p.stmts {
		st.Close()
	}
	p.stmts, p.seen = nil, nil
	p.mu.Unlock()
	return p.DB.Close()
}
