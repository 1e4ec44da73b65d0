package storage

import (
	"context"
	"database/sql"
	"fmt"

	"touchbase/internal/model"
)

// ChannelConfigs returns the configured provider of each channel kind.
func (s *Store) ChannelConfigs(ctx context.Context) (map[string]*model.ChannelConfig, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT kind, provider, config, rate_limit, updated_by, updated_at FROM channel_configs`)
	if err != nil {
		return nil, fmt.Errorf("store: channel configs: %w", err)
	}
	defer rows.Close()
	out := map[string]*model.ChannelConfig{}
	for rows.Next() {
		var c model.ChannelConfig
		var cfg string
		var by sql.NullInt64
		if err := rows.Scan(&c.Kind, &c.Provider, &cfg, &c.RateLimit, &by, &c.UpdatedAt); err != nil {
			return nil, err
		}
		c.Config, c.UpdatedBy = []byte(cfg), intPtr(by)
		out[c.Kind] = &c
	}
	return out, rows.Err()
}

// SaveChannelConfig stores the provider of one channel kind.
func (s *Store) SaveChannelConfig(ctx context.Context, c *model.ChannelConfig) error {
	c.UpdatedAt = now()
	_, err := s.w.ExecContext(ctx, `INSERT INTO channel_configs (kind, provider, config, rate_limit, updated_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (kind) DO UPDATE SET provider = excluded.provider, config = excluded.config,
		rate_limit = excluded.rate_limit, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		c.Kind, c.Provider, string(c.Config), c.RateLimit, nullInt(c.UpdatedBy), c.UpdatedAt)
	if err != nil {
		return fmt.Errorf("store: save channel config: %w", err)
	}
	return nil
}
