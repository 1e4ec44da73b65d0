package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"touchbase/internal/model"
	"touchbase/internal/permission"
)

// Keyword search over records ("contains", title + summary + content) is
// always decided by a case-insensitive LIKE, so its answer never depends on
// an index. An index only narrows the records the LIKE has to read, when the
// keyword is rare enough that reading the records newest first would go far:
//
//   - PostgreSQL indexes every record's character pairs (record_bigrams,
//     migration 11, a GIN index over a tsvector, kept in the record_search
//     table since migration 12). A keyword of two or more
//     characters is looked up by all its pairs, a one-character keyword by
//     the pairs it begins (a prefix match). Counting a common pair's records
//     in that index costs tens of milliseconds, so the page first reads the
//     newest records by every other condition (a probe of twenty pages'
//     worth) and tests the keyword on them: a page found there is the
//     answer. Otherwise the index is read together with the time index,
//     within a window the probe's matches say should hold a page, widened
//     until it does (narrowInWindows).
//   - SQLite keeps an FTS5 trigram index of the same text, padded with two
//     spaces so every one- and two-character substring begins some trigram
//     (migrations 3 and 11). Keywords of three or more characters are an
//     FTS5 phrase; shorter ones look up the trigrams they begin through an
//     fts5vocab table. Both stop counting at rareKeyword, cheaply, so the
//     count decides.
//
// Records a bulk send writes are indexed after they are written (migration
// 12): until the indexer reaches them they wait in record_search_queue, and
// a search narrowed by the index reads every queued record too.
//
// Common keywords skip the index: the newest-first walk finds a page of them
// at once, while the index would hand over every match to be sorted.

// recordText is the searched text, spelled as the indexes spell it.
const recordText = `lower(r.title || ' ' || r.summary || ' ' || r.content)`

// rareKeyword is the most matches for which starting from the search index
// beats walking the records newest first and testing each.
const rareKeyword = 2000

// keywordMode is how a keyword search reads the records.
type keywordMode int

const (
	keywordUnplanned keywordMode = iota
	keywordWalk                  // newest first, testing each record
	keywordNarrow                // only the records the search index names
	keywordProbe                 // PostgreSQL: the newest probeRows(limit) records only
)

// keywordPlan is how one keyword search uses the search index; a walk of
// several pages keeps the plan of its first.
type keywordPlan struct {
	mode  keywordMode
	arg   string // the index query: a tsquery (PostgreSQL), an FTS5 phrase or the lower bound of a term range (SQLite)
	short bool   // SQLite: a term-range lookup (keywords under three characters)
	// edge, when set, bounds a PostgreSQL narrowing to a time window: records
	// at or after it (at or before it when walking oldest first, asc).
	edge time.Time
	asc  bool
}

// probeRows is how many of the newest records a PostgreSQL probe reads for
// a page of limit records.
func probeRows(limit int) int { return 20 * (limit + 1) }

// ftsPhrase quotes a keyword as an FTS5 phrase.
func ftsPhrase(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// termsAfter is the upper bound of the trigrams a short keyword begins: the
// byte 0xff never occurs in UTF-8, so every term starting with k sorts
// below k + "\xff".
func termsAfter(k string) string { return k + "\xff" }

// fts5Fold maps the characters FTS5 case-folds differently from
// strings.ToLower to FTS5's fold, so a short keyword's term range starts
// where the trigram index keeps them (ς is kept as σ, µ as μ).
var fts5Fold = strings.NewReplacer("ς", "σ", "\u00b5", "μ", "ſ", "s", "ϐ", "β", "ϑ", "θ", "ϕ", "φ", "ϖ", "π",
	"ϰ", "κ", "ϱ", "ρ", "ϵ", "ε", "\u0345", "ι", "\u1fbe", "ι", "ẛ", "ṡ")

// maxQueryPairs bounds the pairs a tsquery names: any subset of a
// keyword's pairs narrows to the records holding all of them, a superset of
// its matches, and a very long keyword would otherwise nest too deep.
const maxQueryPairs = 32

// bigramQuery spells a lower-cased keyword as a tsquery over the lexemes of
// record_bigrams: every character pair it holds, or for one character every
// pair it begins. It reports false for text the index cannot hold (the
// separator record_bigrams splits on).
func bigramQuery(k string) (string, bool) {
	if k == "" || strings.ContainsRune(k, '\x01') {
		return "", false
	}
	quote := strings.NewReplacer(`\`, `\\`, `'`, `''`)
	lexeme := func(s string) string { return "'" + quote.Replace(s) + "'" }
	rs := []rune(k)
	if len(rs) == 1 {
		return lexeme(k) + ":*", true
	}
	seen := map[string]bool{}
	var parts []string
	for i := 0; i+1 < len(rs) && len(parts) < maxQueryPairs; i++ {
		if g := string(rs[i : i+2]); !seen[g] {
			seen[g] = true
			parts = append(parts, lexeme(g))
		}
	}
	return strings.Join(parts, " & "), true
}

// bigramPlan narrows a PostgreSQL keyword search to the records the
// bigram index names, or walks when the index cannot hold the keyword.
func bigramPlan(keyword string) keywordPlan {
	if tsq, ok := bigramQuery(strings.ToLower(keyword)); ok {
		return keywordPlan{mode: keywordNarrow, arg: tsq}
	}
	return keywordPlan{mode: keywordWalk}
}

// recordPage runs one page query of f (at most f.Limit+1 records), first
// planning its keyword search unless an earlier page did.
func (s *Store) recordPage(ctx context.Context, p permission.Policy, f *RecordFilter, spec pageSpec) ([]*model.Record, error) {
	if f.Query == "" || f.keyword.mode != keywordUnplanned {
		return s.selectRecords(ctx, p, *f, spec)
	}
	if s.dialect == SQLite {
		if err := s.planKeywordSQLite(ctx, f); err != nil {
			return nil, err
		}
		return s.selectRecords(ctx, p, *f, spec)
	}
	out, oldest, newest, all, err := s.probe(ctx, p, *f, spec)
	if err != nil || len(out) > f.Limit || all {
		// A full page among the newest records, or every record read:
		// what a walk finds.
		f.keyword.mode = keywordWalk
		return out, err
	}
	if f.keyword = bigramPlan(f.Query); f.keyword.mode == keywordWalk {
		return s.selectRecords(ctx, p, *f, spec)
	}
	tsq := f.keyword.arg
	if len(out) == 0 {
		// None among the newest: most likely a rare or absent keyword, whose
		// records the index counts at once; a page of them is read whole.
		var n int
		err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM record_search s WHERE record_bigrams(s.body)
			@@ $1::tsquery LIMIT $2) x`, tsq, rareKeyword).Scan(&n)
		if err != nil {
			return nil, err
		}
		if n < rareKeyword {
			return s.selectRecords(ctx, p, *f, spec)
		}
	}
	return s.narrowInWindows(ctx, p, *f, spec, len(out), oldest, newest)
}

// narrowInWindows finds a page of a keyword the probe found too few of
// (found, among the records from oldest to newest) through the search index, first among the records of a time
// window expected to hold a page: the index and the time index together
// name only the window's matches, where the index alone would name every
// match of a common-enough keyword, each to be read and sorted. The window
// is sized by the probe (its time span and the matches in it) and widened
// eightfold while it holds less than a page; the last try has no window.
// A page found in a window is the page: every match newer than the window's
// edge is in it.
func (s *Store) narrowInWindows(ctx context.Context, p permission.Policy, f RecordFilter, spec pageSpec, found int,
	oldest, newest time.Time) ([]*model.Record, error) {
	if oldest.IsZero() {
		return nil, nil
	}
	span := max(newest.Sub(oldest), time.Second)
	factor := time.Duration(4 * (f.Limit + 1) / max(found, 1))
	window := maxWindow + 1 // no window, unless the probe's span allows one
	if span < maxWindow/factor {
		window = span * factor
	}
	for tries := 0; tries < 3 && window <= maxWindow; tries++ {
		inWindow := f
		inWindow.keyword.edge, inWindow.keyword.asc = dbTime(newest.Add(-window)), spec.asc
		if spec.asc {
			inWindow.keyword.edge = dbTime(oldest.Add(window))
		}
		out, err := s.selectRecords(ctx, p, inWindow, spec)
		if err != nil || len(out) > f.Limit {
			return out, err
		}
		if window > maxWindow/8 {
			break
		}
		window *= 8
	}
	return s.selectRecords(ctx, p, f, spec)
}

// maxWindow is longer than any records' history: a window that long is none.
const maxWindow = 100 * 365 * 24 * time.Hour

// probe reads the newest probeRows records by every other condition of f
// and returns those of them that hold the keyword (at most a page and
// one), with the times of the oldest and the newest record it read. Its
// query stops at a page of matches; it also hands back the first record
// read and the probeRows-th (when it gets that far), matching or not, for
// their times. all says the probe read every record of the filter (fewer
// than probeRows): what it found is every match there is.
func (s *Store) probe(ctx context.Context, p permission.Policy, f RecordFilter, spec pageSpec) (
	out []*model.Record, oldest, newest time.Time, all bool, err error) {
	f.keyword = keywordPlan{mode: keywordProbe}
	n := probeRows(f.Limit)
	order := strings.TrimSuffix(spec.order(), ` LIMIT `)
	// x is the probe: the newest n records, numbered. The level above keeps
	// the matches and the first and n-th record, stopping at a page of them
	// as it reads x in order; only those few are joined for their names.
	onX := strings.NewReplacer("r.", "x.")
	var q Query
	like := q.Arg(likePattern(f.Query))
	q.Add(`SELECT `, recordColumns, `, r.probe_n, r.hit FROM (SELECT x.*, `, onX.Replace(recordText), ` LIKE `, like, ` ESCAPE '\' AS hit
		FROM (SELECT r.*, row_number() OVER (`, order, `) AS probe_n FROM contact_records r JOIN customers c ON c.id = r.customer_id`)
	spec.conditions(&q, f, p, s.dialect)
	last := q.Arg(n)
	q.Add(order, ` LIMIT `, last, `) x WHERE `, onX.Replace(recordText), ` LIKE `, like, ` ESCAPE '\' OR x.probe_n IN (1, `, last, `)`,
		onX.Replace(order), ` LIMIT `, q.Arg(f.Limit+3), `) r JOIN customers c ON c.id = r.customer_id
		LEFT JOIN contacts ct ON ct.id = r.contact_id LEFT JOIN users u ON u.id = r.user_id`, order)
	rows, err := s.r.QueryContext(ctx, q.SQL(), q.Args()...)
	if err != nil {
		return nil, oldest, newest, false, err
	}
	defer rows.Close()
	var first, end time.Time
	reachedEnd := false
	for rows.Next() {
		var pn int
		var hit bool
		r, err := scanRecord(probeScanner{rows, &pn, &hit})
		if err != nil {
			return nil, oldest, newest, false, err
		}
		switch pn {
		case 1:
			first = r.ContactedAt
		case n:
			end, reachedEnd = r.ContactedAt, true
		}
		if hit && len(out) <= f.Limit {
			out = append(out, r)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, oldest, newest, false, err
	}
	if len(out) > f.Limit {
		return out, oldest, newest, false, nil
	}
	if !reachedEnd {
		// Fewer than probeRows records: the probe read them all.
		return out, oldest, newest, true, nil
	}
	oldest, newest = first, end
	if oldest.After(newest) {
		oldest, newest = newest, oldest
	}
	return out, oldest, newest, false, nil
}

// probeScanner scans a probe's row: a record, its place in the probe and
// whether it holds the keyword.
type probeScanner struct {
	rows *sql.Rows
	n    *int
	hit  *bool
}

func (sc probeScanner) Scan(dest ...any) error {
	return sc.rows.Scan(append(dest, sc.n, sc.hit)...)
}

// pageSpec is what differs between the page queries of a walk: an extra
// condition (the cursor of a page walked backwards) and the direction.
type pageSpec struct {
	cond func(q *Query)
	asc  bool
}

// conditions adds the conditions of f and of the page to q.
func (spec pageSpec) conditions(q *Query, f RecordFilter, p permission.Policy, dialect Dialect) {
	f.where(q, p, dialect)
	if spec.cond != nil {
		spec.cond(q)
	}
}

// order is the page's ORDER BY, ending in LIMIT.
func (spec pageSpec) order() string {
	if spec.asc {
		return ` ORDER BY r.contacted_at ASC, r.id ASC LIMIT `
	}
	return ` ORDER BY r.contacted_at DESC, r.id DESC LIMIT `
}

// selectRecords runs one page query of f with its keyword plan.
func (s *Store) selectRecords(ctx context.Context, p permission.Policy, f RecordFilter, spec pageSpec) ([]*model.Record, error) {
	var q Query
	q.Add(`SELECT `, recordColumns, recordFrom)
	spec.conditions(&q, f, p, s.dialect)
	q.Add(spec.order(), q.Arg(f.Limit+1))
	if s.dialect == Postgres && f.keyword.mode == keywordNarrow {
		return s.narrowedRecords(ctx, q)
	}
	return queryRecords(ctx, s.r, q)
}

// narrowWorkMem is the work_mem of a query narrowed by the search index.
// Its bitmap of a common pair's records (100,000 of 10 million for a word
// in one record of a hundred) overflows the default 4 MB and turns lossy:
// every record on a page the time window shares with it is then read and
// tested again (10,000 heap reads for 400 matches, 100 ms instead of 25).
const narrowWorkMem = "16MB"

// narrowedRecords runs a narrowed page query with narrowWorkMem.
func (s *Store) narrowedRecords(ctx context.Context, q Query) ([]*model.Record, error) {
	var out []*model.Record
	err := s.inReadOnlyTx(ctx, narrowWorkMem, func(tx *sql.Tx) error {
		var err error
		out, err = queryRecords(ctx, tx, q)
		return err
	})
	return out, err
}

// inReadOnlyTx runs fn in a read-only transaction whose work_mem is
// workMem, so the setting ends with it.
func (s *Store) inReadOnlyTx(ctx context.Context, workMem string, fn func(*sql.Tx) error) error {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // read-only: nothing to keep
	if _, err := tx.ExecContext(ctx, `SET LOCAL work_mem = '`+workMem+`'`); err != nil {
		return err
	}
	return fn(tx)
}

func queryRecords(ctx context.Context, db querier, q Query) ([]*model.Record, error) {
	rows, err := db.QueryContext(ctx, q.SQL(), q.Args()...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*model.Record
	for rows.Next() {
		r, err := scanRecord(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// planKeywordSQLite decides whether the keyword search of f starts from
// the search index: yes when the index finds fewer than rareKeyword
// records (an absent word would otherwise read every record), no for
// common words.
func (s *Store) planKeywordSQLite(ctx context.Context, f *RecordFilter) error {
	// FTS5 folds the phrase as it folded the records; the term range is
	// compared as it stands, so it is folded here as FTS5 folds.
	k := strings.ToLower(f.Query)
	p := keywordPlan{arg: ftsPhrase(k)}
	count := `SELECT count(*) FROM (SELECT rowid FROM record_search WHERE record_search MATCH $1 LIMIT $2)`
	args := []any{p.arg, rareKeyword}
	if utf8.RuneCountInString(k) < 3 {
		k = fts5Fold.Replace(k)
		p.arg, p.short = k, true
		count = `SELECT count(*) FROM (SELECT DISTINCT doc FROM record_search_terms WHERE term >= $1 AND term < $2 LIMIT $3)`
		args = []any{k, termsAfter(k), rareKeyword}
	}
	var n int
	if err := s.r.QueryRowContext(ctx, count, args...).Scan(&n); err != nil {
		return fmt.Errorf("keyword plan: %w", err)
	}
	p.mode = keywordWalk
	if n < rareKeyword {
		p.mode = keywordNarrow
	}
	f.keyword = p
	return nil
}

// whereKeyword adds the keyword condition of f, and the index narrowing
// its plan chose. A probe tests the keyword outside (selectRecords).
func (f RecordFilter) whereKeyword(q *Query, dialect Dialect) {
	if f.Query == "" || f.keyword.mode == keywordProbe {
		return
	}
	q.Add(` AND `, recordText, ` LIKE `, q.Arg(likePattern(f.Query)), ` ESCAPE '\'`)
	p := f.keyword
	if p.mode != keywordNarrow {
		return
	}
	// The records the index names, and every record still queued for it.
	const queued = ` UNION ALL SELECT record_id FROM record_search_queue`
	switch {
	case dialect == Postgres:
		// The ids are gathered once into an array (an InitPlan) and the
		// records read by primary key; joined to the search table instead,
		// the planner misjudged how many there are and chose a nested loop
		// over every customer (0.25-0.4 s for 1,000 matches).
		q.Add(` AND r.id = ANY(ARRAY(SELECT s.record_id FROM record_search s WHERE record_bigrams(s.body) @@ `,
			q.Arg(p.arg), `::tsquery`)
		var window string // the time window, on both tables
		if !p.edge.IsZero() {
			op := ` >= `
			if p.asc {
				op = ` <= `
			}
			window = op + q.Arg(p.edge)
			q.Add(` AND s.contacted_at`, window)
		}
		q.Add(queued, `))`)
		if window != "" {
			q.Add(` AND r.contacted_at`, window)
		}
	case p.short:
		q.Add(` AND r.id IN (SELECT doc FROM record_search_terms WHERE term >= `, q.Arg(p.arg), ` AND term < `,
			q.Arg(termsAfter(p.arg)), queued, `)`)
	default:
		q.Add(` AND r.id IN (SELECT rowid FROM record_search WHERE record_search MATCH `, q.Arg(p.arg), queued, `)`)
	}
}
