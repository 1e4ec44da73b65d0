package wecom

import (
	"context"
	"time"

	"touchbase/internal/channel"
	"touchbase/internal/storage"
)

// refreshMargin is how long before its expiry a token is replaced.
const refreshMargin = 5 * time.Minute

// tokens keeps access tokens in the database, sealed, one per corp and
// secret, shared by every process: a token is fetched when none is
// stored, when it is about to expire, and when WeCom refuses it; callers
// that need a new one together wait for one fetch.
type tokens struct {
	store *storage.Store
	box   *channel.SecretBox
	now   func() time.Time
}

// fetchFunc asks WeCom for a new token and its lifetime.
type fetchFunc func(ctx context.Context) (string, time.Duration, error)

// get returns key's token, fetching one when needed.
func (t *tokens) get(ctx context.Context, key string, fetch fetchFunc) (string, error) {
	cur, err := t.store.ProviderToken(ctx, key)
	if err != nil {
		return "", err
	}
	if t.good(cur) {
		if plain, err := t.box.Open(cur.Token); err == nil {
			return plain, nil
		}
	}
	return t.refresh(ctx, key, "", fetch)
}

// refresh returns a token other than bad (the one WeCom refused, or ""):
// the stored one when another caller has replaced bad already, else a
// new one fetched under key's lock.
func (t *tokens) refresh(ctx context.Context, key, bad string, fetch fetchFunc) (string, error) {
	var plain string
	_, err := t.store.RefreshProviderToken(ctx, key, func(cur storage.ProviderToken) (storage.ProviderToken, error) {
		if t.good(cur) {
			if p, err := t.box.Open(cur.Token); err == nil && p != bad {
				plain = p
				return cur, nil
			}
		}
		tok, ttl, err := fetch(ctx)
		if err != nil {
			return cur, err
		}
		sealed, err := t.box.Seal(tok)
		if err != nil {
			return cur, err
		}
		plain = tok
		at := t.now()
		return storage.ProviderToken{Key: key, Token: sealed, ExpiresAt: at.Add(ttl), FetchedAt: at}, nil
	})
	if err != nil {
		return "", err
	}
	return plain, nil
}

func (t *tokens) good(cur storage.ProviderToken) bool {
	return cur.Token != "" && cur.ExpiresAt.After(t.now().Add(refreshMargin))
}
