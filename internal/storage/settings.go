package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"

	"touchbase/internal/model"
)

// Setting returns the raw value of one setting and whether it is set.
func (s *Store) Setting(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := s.r.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v)
	if err != nil {
		if err := notFound(err); err == model.ErrNotFound {
			return "", false, nil
		}
		return "", false, fmt.Errorf("store: setting %s: %w", key, err)
	}
	return v, true, nil
}

// SetSetting stores one setting.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	return setSetting(ctx, s.w, key, value)
}

// InitSetting stores value under key unless the key holds a value
// already, and returns the value the key holds afterwards: of several
// processes racing to set it, the first wins and all see its value.
func (s *Store) InitSetting(ctx context.Context, key, value string) (string, error) {
	_, err := s.w.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO NOTHING`, key, value, now())
	if err != nil {
		return "", fmt.Errorf("store: init %s: %w", key, err)
	}
	var v string
	if err := s.w.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&v); err != nil {
		return "", fmt.Errorf("store: setting %s: %w", key, err)
	}
	return v, nil
}

func setSetting(ctx context.Context, db querier, key, value string) error {
	_, err := db.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, key, value, now())
	if err != nil {
		return fmt.Errorf("store: set %s: %w", key, err)
	}
	return nil
}

// Settings returns the typed settings, defaults filling what is not stored.
func (s *Store) Settings(ctx context.Context) (model.Settings, error) {
	out := model.DefaultSettings()
	rows, err := s.r.QueryContext(ctx, `SELECT key, value FROM settings`)
	if err != nil {
		return out, fmt.Errorf("store: settings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return out, err
		}
		switch k {
		case model.SettingOpenContactAll:
			out.OpenContactAll, _ = strconv.ParseBool(v)
		case model.SettingVisibility:
			out.Visibility = v
		case model.SettingDefaultRegion:
			out.DefaultRegion = v
		case model.SettingCanaryPercent:
			out.CanaryPercent = atoiOr(v, out.CanaryPercent)
		case model.SettingCanaryMax:
			out.CanaryMax = atoiOr(v, out.CanaryMax)
		case model.SettingFailurePause:
			if n := atoiOr(v, 0); n >= 1 { // 1–100; anything else keeps the default
				out.FailurePausePercent = n
			}
		case model.SettingOptOutKeywords:
			var words []string
			if json.Unmarshal([]byte(v), &words) == nil && len(words) > 0 {
				out.OptOutKeywords = words
			}
		case model.SettingQuietHours:
			var q model.QuietHours
			if json.Unmarshal([]byte(v), &q) == nil {
				out.QuietHours = q
			}
		case model.SettingFrequencyCaps:
			var caps []model.FrequencyCap
			if json.Unmarshal([]byte(v), &caps) == nil {
				out.FrequencyCaps = caps
			}
		case model.SettingPrices:
			var prices map[string]model.Money
			if json.Unmarshal([]byte(v), &prices) == nil && prices != nil {
				out.Prices = prices
			}
		case model.SettingConfirmAbove:
			out.ConfirmAbove = max(atoiOr(v, out.ConfirmAbove), 0)
		case model.SettingRepDailyLimit:
			out.RepDailyLimit = max(atoiOr(v, out.RepDailyLimit), 0)
		case model.SettingApproveAbove:
			out.ApproveAbove = max(atoiOr(v, out.ApproveAbove), 0)
		case model.SettingApproveCost:
			if m, err := model.ParseMoney(v); err == nil {
				out.ApproveCost = m
			}
		case model.SettingTimeZone:
			if v != "" {
				out.TimeZone = v
			}
		}
	}
	return out, rows.Err()
}

// SaveSettings stores every typed setting.
func (s *Store) SaveSettings(ctx context.Context, st model.Settings) error {
	words := st.OptOutKeywords
	if len(words) == 0 {
		words = model.DefaultOptOutKeywords
	}
	keywords, err := json.Marshal(words)
	if err != nil {
		return err
	}
	quiet, err := json.Marshal(st.QuietHours)
	if err != nil {
		return err
	}
	if st.TimeZone == "" {
		st.TimeZone = model.DefaultTimeZone
	}
	caps := st.FrequencyCaps
	if caps == nil {
		caps = []model.FrequencyCap{}
	}
	capsJSON, err := json.Marshal(caps)
	if err != nil {
		return err
	}
	prices := st.Prices
	if prices == nil {
		prices = map[string]model.Money{}
	}
	pricesJSON, err := json.Marshal(prices)
	if err != nil {
		return err
	}
	return s.InTx(ctx, func(tx *sql.Tx) error {
		for k, v := range map[string]string{
			model.SettingOpenContactAll: strconv.FormatBool(st.OpenContactAll),
			model.SettingVisibility:     st.Visibility,
			model.SettingDefaultRegion:  st.DefaultRegion,
			model.SettingOptOutKeywords: string(keywords),
			model.SettingQuietHours:     string(quiet),
			model.SettingTimeZone:       st.TimeZone,
			model.SettingCanaryPercent:  strconv.Itoa(st.CanaryPercent),
			model.SettingCanaryMax:      strconv.Itoa(st.CanaryMax),
			model.SettingFailurePause:   strconv.Itoa(st.FailurePausePercent),
			model.SettingFrequencyCaps:  string(capsJSON),
			model.SettingPrices:         string(pricesJSON),
			model.SettingConfirmAbove:   strconv.Itoa(st.ConfirmAbove),
			model.SettingApproveAbove:   strconv.Itoa(st.ApproveAbove),
			model.SettingRepDailyLimit:  strconv.Itoa(st.RepDailyLimit),
			model.SettingApproveCost:    st.ApproveCost.Price(),
		} {
			if err := setSetting(ctx, tx, k, v); err != nil {
				return err
			}
		}
		return nil
	})
}

// atoiOr reads a stored number, or keeps def when it is not one.
func atoiOr(v string, def int) int {
	if n, err := strconv.Atoi(v); err == nil {
		return n
	}
	return def
}
