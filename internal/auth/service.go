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

// SessionLimits bound a browser session: it ends after Idle without use
// (each use moves the end on) and Max after the login, used or not.
type SessionLimits struct {
	Idle, Max time.Duration
}

// DefaultSessionLimits are 14 days without use and 30 days in all.
var DefaultSessionLimits = SessionLimits{Idle: 14 * 24 * time.Hour, Max: 30 * 24 * time.Hour}

// Errors of Login.
var (
	ErrBadCredentials = errors.New("auth: wrong username or password")
	ErrThrottled      = errors.New("auth: too many failed logins, try again later")
)

// Service authenticates users.
type Service struct {
	store  *storage.Store
	limits SessionLimits
}

// NewService returns a Service on store whose sessions keep to limits
// (a zero limit takes its default).
func NewService(store *storage.Store, limits SessionLimits) *Service {
	if limits.Idle <= 0 {
		limits.Idle = DefaultSessionLimits.Idle
	}
	if limits.Max <= 0 {
		limits.Max = DefaultSessionLimits.Max
	}
	return &Service{store: store, limits: limits}
}

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
// cookie) and the session with its CSRF token. The session the browser
// held before (replaces: its cookie's id, "" for none) ends, so a login
// always gets a new id and never leaves an earlier one alive.
func (s *Service) StartSession(ctx context.Context, u *model.User, replaces string) (string, *model.Session, error) {
	if replaces != "" {
		if err := s.EndSession(ctx, replaces); err != nil {
			return "", nil, err
		}
	}
	id := newSecret()
	t := time.Now()
	sess := &model.Session{UserID: u.ID, CSRFToken: newSecret(), ExpiresAt: t.Add(min(s.limits.Idle, s.limits.Max))}
	if err := s.store.CreateSession(ctx, hashSecret(id), sess); err != nil {
		return "", nil, err
	}
	sess.EndsAt = sess.CreatedAt.Add(s.limits.Max)
	return id, sess, nil
}

// Session returns the session and user behind a cookie's secret id. Use
// moves the idle expiry on (written at most every slideStep), never past
// the session's absolute end.
func (s *Service) Session(ctx context.Context, id string) (*model.Session, *model.User, error) {
	if id == "" {
		return nil, nil, model.ErrUnauthenticated
	}
	h := hashSecret(id)
	t := time.Now()
	sess, err := s.store.SessionByHash(ctx, h, t.Add(-s.limits.Max))
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
	sess.EndsAt = sess.CreatedAt.Add(s.limits.Max)
	if next := minTime(t.Add(s.limits.Idle), sess.EndsAt); next.Sub(sess.ExpiresAt) > s.slideStep() {
		sess.ExpiresAt = next
		if err := s.store.ExtendSession(ctx, h, sess.ExpiresAt); err != nil {
			return nil, nil, err
		}
	}
	return sess, u, nil
}

// slideStep is how far a session's expiry must move before it is written:
// an hour, less for short idle limits.
func (s *Service) slideStep() time.Duration { return min(time.Hour, s.limits.Idle/4) }

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// EndSession logs a session out.
func (s *Service) EndSession(ctx context.Context, id string) error {
	return s.store.DeleteSession(ctx, hashSecret(id))
}

// SignOutEverywhere ends every session of a user, the caller's own
// included, and with tokens revokes every API token of theirs.
func (s *Service) SignOutEverywhere(ctx context.Context, userID int64, tokens bool) (model.SignOut, error) {
	return s.store.SignOutUser(ctx, userID, tokens)
}

// SweepExpired deletes the sessions that have ended and the API tokens
// that expired more than TokenKeep ago.
func (s *Service) SweepExpired(ctx context.Context) (sessions, tokens int64, err error) {
	t := time.Now()
	if sessions, err = s.store.DeleteExpiredSessions(ctx, t.Add(-s.limits.Max)); err != nil {
		return 0, 0, err
	}
	tokens, err = s.store.DeleteExpiredAPITokens(ctx, t.Add(-TokenKeep))
	return sessions, tokens, err
}

// CheckCSRF reports whether a submitted token matches the session's.
func CheckCSRF(sess *model.Session, submitted string) bool {
	return sess != nil && submitted != "" && subtle.ConstantTimeCompare([]byte(sess.CSRFToken), []byte(submitted)) == 1
}
