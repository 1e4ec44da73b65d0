package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"strings"
	"time"

	"touchbase/internal/model"
	"touchbase/internal/storage"
)

// Throttling: after MaxFailures failed logins within FailureWindow for one
// username or one client address, logins for it are refused for LockTime.
const (
	MaxFailures   = 5
	FailureWindow = 15 * time.Minute
	LockTime      = 15 * time.Minute
)

// SessionLifetime is how long a session lives without use.
const SessionLifetime = 14 * 24 * time.Hour

// Errors of Login.
var (
	ErrBadCredentials = errors.New("auth: wrong username or password")
	ErrThrottled      = errors.New("auth: too many failed logins, try again later")
)

// Service authenticates users.
type Service struct {
	store *storage.Store
}

// NewService returns a Service on store.
func NewService(store *storage.Store) *Service { return &Service{store: store} }

// Login checks a username and password from client address ip. It returns
// ErrThrottled while either is locked and ErrBadCredentials on a mismatch
// (also for unknown or inactive users).
func (s *Service) Login(ctx context.Context, username, password, ip string) (*model.User, error) {
	// A name that is not valid text (a NUL, a broken byte) belongs to nobody
	// — names are checked when users are made — and never reaches the
	// database as it stands; its failure counts under the text it holds.
	keys := []string{"user:" + strings.ToLower(model.TextOnly(username)), "ip:" + ip}
	for _, k := range keys {
		until, err := s.store.LoginLockedUntil(ctx, k)
		if err != nil {
			return nil, err
		}
		if !until.IsZero() {
			return nil, ErrThrottled
		}
	}
	var u *model.User
	err := model.ErrNotFound
	if model.IsText(username) {
		u, err = s.store.UserByUsername(ctx, username)
	}
	ok := false
	if err == nil && u.Active && u.PasswordHash != "" {
		ok, err = CheckPassword(u.PasswordHash, password)
		if err != nil {
			return nil, err
		}
	} else if err != nil && !errors.Is(err, model.ErrNotFound) {
		return nil, err
	} else {
		// Spend the same time as a real check so unknown names are not revealed.
		_, _ = CheckPassword(dummyHash, password)
	}
	if !ok {
		for _, k := range keys {
			if _, err := s.store.RecordLoginFailure(ctx, k, FailureWindow, MaxFailures, LockTime); err != nil {
				return nil, err
			}
		}
		return nil, ErrBadCredentials
	}
	for _, k := range keys {
		if err := s.store.ClearLoginFailures(ctx, k); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// dummyHash is a valid hash of a random password, checked against when the
// user does not exist.
var dummyHash, _ = HashPassword(RandomPassword(16))

// StartSession creates a session for u and returns its secret id (for the
// cookie) and the session with its CSRF token.
func (s *Service) StartSession(ctx context.Context, u *model.User) (string, *model.Session, error) {
	id := newSecret()
	sess := &model.Session{UserID: u.ID, CSRFToken: newSecret(), ExpiresAt: time.Now().Add(SessionLifetime)}
	if err := s.store.CreateSession(ctx, hashSecret(id), sess); err != nil {
		return "", nil, err
	}
	return id, sess, nil
}

// Session returns the session and user behind a cookie's secret id. It
// slides the expiry forward at most once an hour.
func (s *Service) Session(ctx context.Context, id string) (*model.Session, *model.User, error) {
	if id == "" {
		return nil, nil, model.ErrUnauthenticated
	}
	h := hashSecret(id)
	sess, err := s.store.SessionByHash(ctx, h)
	if errors.Is(err, model.ErrNotFound) {
		return nil, nil, model.ErrUnauthenticated
	}
	if err != nil {
		return nil, nil, err
	}
	u, err := s.store.UserByID(ctx, sess.UserID)
	if err != nil {
		return nil, nil, err
	}
	if time.Until(sess.ExpiresAt) < SessionLifetime-time.Hour {
		sess.ExpiresAt = time.Now().Add(SessionLifetime)
		if err := s.store.ExtendSession(ctx, h, sess.ExpiresAt); err != nil {
			return nil, nil, err
		}
	}
	return sess, u, nil
}

// EndSession logs a session out.
func (s *Service) EndSession(ctx context.Context, id string) error {
	return s.store.DeleteSession(ctx, hashSecret(id))
}

// CheckCSRF reports whether a submitted token matches the session's.
func CheckCSRF(sess *model.Session, submitted string) bool {
	return sess != nil && submitted != "" && subtle.ConstantTimeCompare([]byte(sess.CSRFToken), []byte(submitted)) == 1
}

// CreateAPIToken issues a bearer token for a user and returns its secret,
// which is shown once and never stored.
func (s *Service) CreateAPIToken(ctx context.Context, userID int64, name string) (string, *model.APIToken, error) {
	secret := APITokenPrefix + newSecret()
	t := &model.APIToken{UserID: userID, Name: strings.TrimSpace(name)}
	if err := s.store.CreateAPIToken(ctx, hashSecret(secret), t); err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

// UserByAPIToken returns the active user owning a bearer token.
func (s *Service) UserByAPIToken(ctx context.Context, secret string) (*model.User, error) {
	if !strings.HasPrefix(secret, APITokenPrefix) {
		return nil, model.ErrUnauthenticated
	}
	u, err := s.store.UserByTokenHash(ctx, hashSecret(secret))
	if errors.Is(err, model.ErrNotFound) {
		return nil, model.ErrUnauthenticated
	}
	return u, err
}
