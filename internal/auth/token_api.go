package auth

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"touchbase/internal/model"
)

// Token expiry: DefaultTokenDays when the creator chooses nothing, at most
// MaxTokenDays; only admins may make a token that never expires. Expired
// tokens stay listed, marked expired, for TokenKeep, then are deleted.
const (
	DefaultTokenDays = 90
	MaxTokenDays     = 365
	TokenKeep        = 30 * 24 * time.Hour
)

// touchEvery is how often a token's use is written while it keeps being
// used from one address (a new address is written at once).
const touchEvery = time.Minute

// ErrTokenExpired is the error of a bearer token past its expiry; it is an
// model.ErrUnauthenticated.
var ErrTokenExpired = fmt.Errorf("%w: the API token has expired", model.ErrUnauthenticated)

// TokenSpec is what the creator of an API token chooses.
type TokenSpec struct {
	Name string
	// Scope defaults to model.ScopeContact.
	Scope model.TokenScope
	// ExpiresInDays is the token's lifetime, 1–MaxTokenDays; nil takes
	// DefaultTokenDays unless NeverExpires.
	ExpiresInDays *int
	// NeverExpires makes a token without expiry (admins only).
	NeverExpires bool
}

// check validates a spec for user u and fills its defaults.
func (sp *TokenSpec) check(u *model.User) error {
	sp.Name = strings.TrimSpace(sp.Name)
	if sp.Scope == "" {
		sp.Scope = model.ScopeContact
	}
	var errs model.ValidationErrors
	errs.Text("name", sp.Name, true, 100)
	switch {
	case !sp.Scope.Valid():
		errs.Add("scope", "invalid_scope", "scope must be read, contact or admin")
	case !model.MaxScope(u).Allows(sp.Scope):
		errs.Add("scope", "admin_scope", "only admins may create a token with the admin scope")
	}
	switch days := sp.ExpiresInDays; {
	case sp.NeverExpires && !u.IsAdmin():
		errs.Add("never_expires", "admin_never", "only admins may create a token that never expires")
	case sp.NeverExpires && days != nil:
		errs.Add("never_expires", "expiry_conflict", "give either expires_in_days or never_expires")
	case days != nil && (*days < 1 || *days > MaxTokenDays):
		errs.Add("expires_in_days", "expiry_range", "expires_in_days must be from 1 to "+strconv.Itoa(MaxTokenDays))
	}
	return errs.Err()
}

// CreateAPIToken issues a bearer token for an active user and returns its
// secret, which is shown once and never stored.
func (s *Service) CreateAPIToken(ctx context.Context, u *model.User, spec TokenSpec) (string, *model.APIToken, error) {
	if !u.Active {
		return "", nil, model.ErrForbidden
	}
	if err := spec.check(u); err != nil {
		return "", nil, err
	}
	secret := APITokenPrefix + newSecret()
	t := &model.APIToken{UserID: u.ID, Name: spec.Name, Scope: spec.Scope}
	if !spec.NeverExpires {
		days := DefaultTokenDays
		if spec.ExpiresInDays != nil {
			days = *spec.ExpiresInDays
		}
		at := time.Now().AddDate(0, 0, days)
		t.ExpiresAt = &at
	}
	if err := s.store.CreateAPIToken(ctx, hashSecret(secret), t); err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

// APIToken returns the token behind a bearer secret and its owner, an
// active user, and records its use from client address ip. An expired
// token is ErrTokenExpired, any other failure model.ErrUnauthenticated.
func (s *Service) APIToken(ctx context.Context, secret, ip string) (*model.User, *model.APIToken, error) {
	if !strings.HasPrefix(secret, APITokenPrefix) {
		return nil, nil, model.ErrUnauthenticated
	}
	t, u, err := s.store.APITokenByHash(ctx, hashSecret(secret))
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil, model.ErrUnauthenticated
	}
	if err != nil {
		return nil, nil, err
	}
	at := time.Now()
	if t.ExpiredAt(at) {
		return nil, nil, ErrTokenExpired
	}
	// Most calls only read: the use is written when the address changes
	// and otherwise at most once a minute.
	if t.LastUsedAt == nil || t.LastUsedIP != ip || at.Sub(*t.LastUsedAt) > touchEvery {
		if err := s.store.TouchAPIToken(ctx, t.ID, at, ip); err != nil {
			return nil, nil, err
		}
		t.LastUsedAt, t.LastUsedIP = &at, ip
	}
	return u, t, nil
}

// APITokens lists a user's API tokens (never their secrets).
func (s *Service) APITokens(ctx context.Context, userID int64) ([]*model.APIToken, error) {
	return s.store.ListAPITokens(ctx, userID)
}

// RevokeAPIToken deletes one of a user's tokens; another user's token is
// model.ErrNotFound.
func (s *Service) RevokeAPIToken(ctx context.Context, userID, tokenID int64) error {
	return s.store.DeleteAPIToken(ctx, userID, tokenID)
}
