package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"touchbase/internal/model"
)

// Bot webhooks are owned by a user, or by nobody for the admin-wide one;
// "owner" below is the user id, 0 for admin-wide (stored as NULL).

const botColumns = `id, user_id, provider, url, secret, enabled, updated_at`

func scanBot(row interface{ Scan(...any) error }) (*model.BotWebhook, error) {
	var b model.BotWebhook
	var user sql.NullInt64
	if err := row.Scan(&b.ID, &user, &b.Provider, &b.URL, &b.Secret, &b.Enabled, &b.UpdatedAt); err != nil {
		return nil, err
	}
	b.UserID = intPtr(user)
	return &b, nil
}

func botOwner(userID int64) sql.NullInt64 {
	return sql.NullInt64{Int64: userID, Valid: userID != 0}
}

// BotWebhook returns the bot webhook of a user, or the admin-wide one when
// userID is 0; ErrNotFound when none is set.
func (s *Store) BotWebhook(ctx context.Context, userID int64) (*model.BotWebhook, error) {
	b, err := scanBot(s.r.QueryRowContext(ctx, `SELECT `+botColumns+` FROM bot_webhooks WHERE COALESCE(user_id, 0) = $1`, userID))
	if err != nil {
		if err := notFound(err); err == model.ErrNotFound {
			return nil, err
		}
		return nil, fmt.Errorf("store: bot webhook: %w", err)
	}
	return b, nil
}

// SaveBotWebhook stores b as the bot webhook of b.UserID (admin-wide when
// nil), replacing any previous one, and sets its ID and UpdatedAt.
func (s *Store) SaveBotWebhook(ctx context.Context, b *model.BotWebhook) error {
	var owner int64
	if b.UserID != nil {
		owner = *b.UserID
	}
	t := now()
	// Update, else insert; two first saves racing meet the unique index,
	// and the loser updates the winner's row.
	for attempt := 0; ; attempt++ {
		err := s.w.QueryRowContext(ctx, `UPDATE bot_webhooks SET provider = $1, url = $2, secret = $3, enabled = $4, updated_at = $5
			WHERE COALESCE(user_id, 0) = $6 RETURNING id`, b.Provider, b.URL, b.Secret, b.Enabled, t, owner).Scan(&b.ID)
		if err == nil {
			break
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: save bot webhook: %w", err)
		}
		err = s.w.QueryRowContext(ctx, `INSERT INTO bot_webhooks (user_id, provider, url, secret, enabled, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, botOwner(owner), b.Provider, b.URL, b.Secret, b.Enabled, t).Scan(&b.ID)
		if err == nil {
			break
		}
		switch {
		case isUniqueViolation(err) && attempt == 0:
			continue
		case isForeignKeyViolation(err):
			return model.NewFieldError("user_id", "not_found", "user does not exist")
		}
		return fmt.Errorf("store: save bot webhook: %w", err)
	}
	b.UpdatedAt = t
	return nil
}

// DeleteBotWebhook removes the bot webhook of a user (admin-wide when
// userID is 0); ErrNotFound when none is set.
func (s *Store) DeleteBotWebhook(ctx context.Context, userID int64) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM bot_webhooks WHERE COALESCE(user_id, 0) = $1`, userID)
	if err != nil {
		return fmt.Errorf("store: delete bot webhook: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return model.ErrNotFound
	}
	return nil
}

// EnabledBotWebhooks returns the enabled bot webhooks a notification of the
// user goes to: the user's own, then the admin-wide one. userID 0 returns
// the admin-wide one only.
func (s *Store) EnabledBotWebhooks(ctx context.Context, userID int64) ([]*model.BotWebhook, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+botColumns+` FROM bot_webhooks
		WHERE enabled AND (user_id IS NULL OR user_id = $1) ORDER BY COALESCE(user_id, 0) DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: bot webhooks: %w", err)
	}
	defer rows.Close()
	var out []*model.BotWebhook
	for rows.Next() {
		b, err := scanBot(rows)
		if err != nil {
			return nil, fmt.Errorf("store: bot webhooks: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}
