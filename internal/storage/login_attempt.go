package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"touchbase/internal/model"
)

// LoginState is what throttling needs before it checks a password: when the
// pair (username, ip) may try again, and the failures of ip across every
// username since a moment.
type LoginState struct {
	RetryAt time.Time // zero when the pair may try now
	// IPFailures counts the failures from ip, any username, since the
	// moment asked for; IPOldest is the oldest last failure among them.
	IPFailures int
	IPOldest   time.Time
}

// LoginState reads the throttling state of username from ip, counting ip's
// failures since ipSince.
func (s *Store) LoginState(ctx context.Context, username, ip string, ipSince time.Time) (LoginState, error) {
	var st LoginState
	var retry sql.NullTime
	err := s.r.QueryRowContext(ctx, `SELECT retry_at FROM login_failures WHERE username = $1 AND ip = $2`,
		username, ip).Scan(&retry)
	if err != nil && err != sql.ErrNoRows {
		return st, fmt.Errorf("store: login state: %w", err)
	}
	if retry.Valid {
		st.RetryAt = retry.Time
	}
	err = s.r.QueryRowContext(ctx, `SELECT COALESCE(SUM(streak), 0) FROM login_failures
		WHERE ip = $1 AND last_failed_at > $2`, ip, dbTime(ipSince)).Scan(&st.IPFailures)
	if err == nil && st.IPFailures > 0 {
		// (An aggregate would lose the column's type on SQLite.)
		err = s.r.QueryRowContext(ctx, `SELECT last_failed_at FROM login_failures
			WHERE ip = $1 AND last_failed_at > $2 AND streak > 0 ORDER BY last_failed_at LIMIT 1`,
			ip, dbTime(ipSince)).Scan(&st.IPOldest)
	}
	if err != nil {
		return st, fmt.Errorf("store: login state: %w", err)
	}
	return st, nil
}

// RecordLoginFailure counts a failed login of username from ip at t. A
// streak whose last failure is older than forget starts again at one.
// delay gives the wait a streak of n imposes on the pair's next attempt
// (0 for none). It returns the new streak.
func (s *Store) RecordLoginFailure(ctx context.Context, username, ip string, t time.Time, forget time.Duration,
	delay func(streak int) time.Duration) (int, error) {
	t = dbTime(t)
	var streak int
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		// The upsert locks the row on PostgreSQL, so processes failing the
		// same pair at once count every failure.
		err := tx.QueryRowContext(ctx, `INSERT INTO login_failures
			(username, ip, streak, total, first_failed_at, last_failed_at) VALUES ($1, $2, 1, 1, $3, $3)
			ON CONFLICT (username, ip) DO UPDATE SET
				streak = CASE WHEN login_failures.last_failed_at < $4 THEN 1 ELSE login_failures.streak + 1 END,
				total = login_failures.total + 1, last_failed_at = excluded.last_failed_at
			RETURNING streak`, username, ip, t, t.Add(-forget)).Scan(&streak)
		if err != nil {
			return err
		}
		var retry sql.NullTime
		if d := delay(streak); d > 0 {
			retry = sql.NullTime{Time: t.Add(d), Valid: true}
		}
		_, err = tx.ExecContext(ctx, `UPDATE login_failures SET retry_at = $3 WHERE username = $1 AND ip = $2`,
			username, ip, retry)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: record login failure: %w", err)
	}
	return streak, nil
}

// RecordLoginSuccess ends the failure streak of username from ip; the
// pair's earlier failures stay listed, marked as followed by a success.
func (s *Store) RecordLoginSuccess(ctx context.Context, username, ip string, t time.Time) error {
	_, err := s.w.ExecContext(ctx, `UPDATE login_failures SET streak = 0, retry_at = NULL, succeeded_at = $3
		WHERE username = $1 AND ip = $2`, username, ip, dbTime(t))
	if err != nil {
		return fmt.Errorf("store: record login success: %w", err)
	}
	return nil
}

// RecentLoginFailures lists the pairs that failed since since, the latest
// failure first, at most limit of them.
func (s *Store) RecentLoginFailures(ctx context.Context, since time.Time, limit int) ([]model.LoginFailure, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT username, ip, streak, total, first_failed_at, last_failed_at,
		retry_at, succeeded_at FROM login_failures WHERE last_failed_at > $1
		ORDER BY last_failed_at DESC, username, ip LIMIT $2`, dbTime(since), limit)
	if err != nil {
		return nil, fmt.Errorf("store: recent login failures: %w", err)
	}
	defer rows.Close()
	var out []model.LoginFailure
	for rows.Next() {
		var f model.LoginFailure
		var retry, ok sql.NullTime
		if err := rows.Scan(&f.Username, &f.IP, &f.Streak, &f.Total, &f.FirstFailedAt, &f.LastFailedAt,
			&retry, &ok); err != nil {
			return nil, fmt.Errorf("store: recent login failures: %w", err)
		}
		if retry.Valid {
			f.RetryAt = &retry.Time
		}
		if ok.Valid {
			f.SucceededAt = &ok.Time
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// DeleteLoginFailures forgets the pairs whose last failure is before before.
func (s *Store) DeleteLoginFailures(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM login_failures WHERE last_failed_at < $1`, dbTime(before))
	if err != nil {
		return 0, fmt.Errorf("store: delete login failures: %w", err)
	}
	return res.RowsAffected()
}
